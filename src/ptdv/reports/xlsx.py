"""A statistical table as an Excel workbook (xlsxwriter): the title with the unit and the period,
a two-line heading in Vietnamese, one row per unit, the total and the percentages; numbers stored
as numbers, column widths set, the heading and the unit column frozen."""

from __future__ import annotations

import io
from decimal import Decimal

import xlsxwriter

from ptdv.core.numbers import rounding_mode
from ptdv.reports.tables import Table

HEADER_ROW = 3  # rows 0–2: title, unit and period, blank


def workbook(table: Table) -> bytes:
    """Return the .xlsx file of the table."""
    out = io.BytesIO()
    # Times New Roman, as official documents use: every office font by that name (or its metric
    # twin, Liberation Serif) carries the capital letters with Vietnamese marks.
    book = xlsxwriter.Workbook(
        out,
        {"in_memory": True,
         "default_format_properties": {"font_name": "Times New Roman", "font_size": 11}},
    )  # fmt: skip
    sheet = book.add_worksheet("Biểu thống kê")
    title = book.add_format({"bold": True, "font_size": 14})
    subtitle = book.add_format({"italic": True})
    group_head = book.add_format(
        {"bold": True, "align": "left", "valign": "vcenter", "border": 1, "bg_color": "#F2F2F2"}
    )
    head = book.add_format(
        {"bold": True, "text_wrap": True, "align": "center", "valign": "vcenter", "border": 1,
         "bg_color": "#F2F2F2"}
    )  # fmt: skip
    cell = book.add_format({"border": 1, "num_format": "#,##0"})
    name = book.add_format({"border": 1, "text_wrap": True})
    total_name = book.add_format({"border": 1, "bold": True})
    total = book.add_format({"border": 1, "bold": True, "num_format": "#,##0"})
    decimal = book.add_format({"border": 1, "num_format": "0.0"})
    share = book.add_format({"border": 1, "italic": True, "num_format": "0.00"})

    width = len(table.columns)
    sheet.merge_range(0, 0, 0, max(width, 1), f"BIỂU THỐNG KÊ: {table.title.upper()}", title)
    sheet.write(1, 0, f"Đơn vị: {table.unit_name}. {table.period_label}.", subtitle)

    # Two heading lines: the group over its columns, the column itself (merged down when alone).
    sheet.merge_range(HEADER_ROW, 0, HEADER_ROW + 1, 0, "Đơn vị", head)
    col = 1
    for group, span in table.groups():
        if group:
            if span > 1:
                sheet.merge_range(HEADER_ROW, col, HEADER_ROW, col + span - 1, group, group_head)
            else:
                sheet.write(HEADER_ROW, col, group, group_head)
            for i in range(span):
                sheet.write(HEADER_ROW + 1, col + i, table.columns[col - 1 + i].label, head)
        else:
            sheet.merge_range(HEADER_ROW, col, HEADER_ROW + 1, col,
                              table.columns[col - 1].label, head)  # fmt: skip
        col += span
    sheet.set_row(HEADER_ROW + 1, 45)

    def write_row(r: int, label: str, values: dict[str, object], bold: bool) -> None:
        sheet.write_string(r, 0, label, total_name if bold else name)
        for i, column in enumerate(table.columns, start=1):
            value = values.get(column.key)
            if value is None:
                sheet.write_blank(r, i, None, cell)
            elif column.average:
                sheet.write_number(r, i, float(value), decimal)  # type: ignore[arg-type]
            else:
                sheet.write_number(r, i, int(value), total if bold else cell)  # type: ignore[call-overload]

    row = HEADER_ROW + 2
    for r in table.rows:
        write_row(row, r.name, r.values, bold=False)
        row += 1
    write_row(row, f"Tổng số: {table.unit_name}", table.total.values, bold=True)
    row += 1
    shares = table.shares()
    sheet.write_string(row, 0, "Tỷ lệ so với tổng số (%)", name)
    for i, column in enumerate(table.columns, start=1):
        value: Decimal | None = shares.get(column.key)
        if value is None:
            sheet.write_blank(row, i, None, share)
        else:
            sheet.write_number(row, i, float(value), share)
    row += 2
    mode = "làm tròn" if rounding_mode() == "round" else "cắt bỏ phần thập phân thừa"
    sheet.write(row, 0, f"Tỷ lệ tính đến hai chữ số thập phân ({mode}).")
    for note in table.notes:
        row += 1
        sheet.write(row, 0, note)

    sheet.set_column(0, 0, 42)
    sheet.set_column(1, width, 11)
    sheet.freeze_panes(HEADER_ROW + 2, 1)
    # Printed on A4 landscape, as many pages across as the columns need, each page repeating the
    # heading and the unit column (shrinking 50 columns onto one page makes them unreadable).
    sheet.set_landscape()
    sheet.set_paper(9)
    sheet.repeat_rows(HEADER_ROW, HEADER_ROW + 1)
    sheet.repeat_columns(0)
    book.close()
    return out.getvalue()
