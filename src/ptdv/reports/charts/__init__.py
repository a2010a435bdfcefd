"""Server-rendered SVG charts for the dashboard and the reports (issue 8 item 2): each chart is
an SVG with its data table and a sentence for screen readers, so the same figure shows on the
page, in print and in exported documents. The five kinds are here; their drawing kit (types,
formatting, wrapping, SVG primitives, the geometry and palette) is `charts.svg`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from decimal import Decimal

from django.utils.translation import gettext as _

from ptdv.reports.charts.svg import (
    BAR,
    FONT,
    INK,
    LINE,
    MUTED,
    PAD,
    PART_STYLES,
    RED,
    SMALL,
    TRACK,
    WIDTH,
    Chart,
    Item,
    Number,
    Row,
    Series,
    _empty,
    _esc,
    _items,
    _lines,
    _mark,
    _part_fill,
    _patterns,
    _rect,
    _svg,
    _text,
    _text_width,
    _uid,
    _value,
    _within,
    number,
    percent_text,
    share,
    wrap,
)

# --- the charts -------------------------------------------------------------------------------


def bars(
    title: str,
    items: Sequence[Item | tuple[str, Number]],
    *,
    unit: str = "",
    highlight: str | None = None,
    label_heading: str = "Đơn vị",
) -> Chart:
    """Return a horizontal bar chart: labels on the left (two lines at most), each value at its
    bar's end; the `highlight` label's bar in red and its label bold. Bars start at zero; a
    zero or negative value has no bar, its value is still written."""
    data = _items(items)
    value_heading = _("Số lượng") + (f" ({unit})" if unit else "")
    headings = (_(label_heading), value_heading)
    if not data:
        return _empty("bars", title, headings)
    texts = [_mark(i.value, unit) for i in data]
    label_w = WIDTH * 0.36
    value_w = max(_text_width(t) for t in texts) + PAD
    x0 = label_w + PAD
    span = WIDTH - x0 - value_w - 2
    top = max((float(i.value) for i in data), default=0.0)
    body: list[str] = []
    y = 4.0
    for item, text in zip(data, texts, strict=True):
        lines = wrap(item.label, label_w)
        row_h = max(22.0, FONT * 1.15 * len(lines) + 8)
        mid = y + row_h / 2
        length = span * float(item.value) / top if top > 0 and item.value > 0 else 0.0
        on = highlight is not None and item.label == highlight
        body.append(
            f'<g class="bar{" highlight" if on else ""}"><title>{_esc(item.label)}: '
            f"{_esc(text)}</title>"
            + _lines(label_w, mid, lines, weight="bold" if on else "")
            + _rect(x0, mid - 7, length, 14, RED if on else BAR)
            + _text(x0 + length + 4, mid + FONT * 0.35, text, weight="bold" if on else "")
            + "</g>"
        )
        y += row_h
    body.insert(0, f'<path d="M{x0:.2f} 2V{y + 2:.2f}" stroke="{INK}" stroke-width="1"/>')
    highest = max(data, key=lambda i: i.value)
    lowest = min(data, key=lambda i: i.value)
    summary = _("{n} mục; cao nhất: {hi} ({hv}); thấp nhất: {lo} ({lv}).").format(
        n=number(len(data)),
        hi=highest.label,
        hv=_value(highest.value, unit),
        lo=lowest.label,
        lv=_value(lowest.value, unit),
    )
    rows = tuple(
        Row(i.label, (t,), highlight is not None and i.label == highlight)
        for i, t in zip(data, texts, strict=True)
    )
    height = y + 6
    return Chart("bars", title, _svg("bars", title, summary, height, body), headings, rows,
                 summary, height=round(height))  # fmt: skip


def columns(
    title: str,
    items: Sequence[Item | tuple[str, Number]],
    *,
    unit: str = "",
    label_heading: str = "Năm",
) -> Chart:
    """Return vertical columns for a time series (admissions per year): the period under each
    column, the value above it (smaller, or left to the table, when the columns are narrow)."""
    data = _items(items)
    value_heading = _("Số lượng") + (f" ({unit})" if unit else "")
    headings = (_(label_heading), value_heading)
    if not data:
        return _empty("columns", title, headings)
    texts = [_mark(i.value, unit) for i in data]
    slot = (WIDTH - 2 * PAD) / len(data)
    col_w = min(slot * 0.7, 48.0)
    top = max((float(i.value) for i in data), default=0.0)
    # Values stand above their columns, turned upright when the columns are too narrow for them.
    longest = max(_text_width(t, SMALL) for t in texts)
    upright = longest + 2 > slot
    top_m = (longest + 8) if upright else 20.0
    # Periods under the columns: at least 9.5 units high, else only every n-th is named.
    label_chars = max(len(i.label) for i in data) or 1
    label_size = min(FONT, (slot - 2) / (0.6 * label_chars))
    every = 1
    if label_size < 9.5:
        label_size = 9.5
        every = math.ceil((0.6 * label_size * label_chars + 4) / slot)
    height = 200.0
    base = height - 24.0
    plot_h = base - top_m
    body = [f'<path d="M{PAD} {base:.2f}H{WIDTH - PAD}" stroke="{INK}" stroke-width="1"/>']
    for n, (item, text) in enumerate(zip(data, texts, strict=True)):
        cx = PAD + slot * (n + 0.5)
        h = plot_h * float(item.value) / top if top > 0 and item.value > 0 else 0.0
        parts = [f'<g class="column"><title>{_esc(item.label)}: {_esc(text)}</title>',
                 _rect(cx - col_w / 2, base - h, col_w, h, RED)]  # fmt: skip
        if upright:
            y = base - h - 4
            parts.append(
                f'<text x="{cx + SMALL * 0.35:.1f}" y="{y:.1f}" font-size="{SMALL}" '
                f'transform="rotate(-90 {cx + SMALL * 0.35:.1f} {y:.1f})">{_esc(text)}</text>'
            )
        else:
            parts.append(_text(cx, base - h - 4, text, anchor="middle", size=SMALL))
        if n % every == 0:
            room = min(slot * every - 2, WIDTH - 2 * PAD)
            label = wrap(item.label, room, lines=1, size=label_size)[0]
            x, anchor = _within(cx, _text_width(label, label_size))
            size = round(label_size, 1)
            parts.append(_text(x, base + 16, label, anchor=anchor, size=size, fill=MUTED))
        body.append("".join(parts) + "</g>")
    highest = max(data, key=lambda i: i.value)
    summary = _("Từ {first} đến {last}: {fv} rồi {lv}; cao nhất {hi} ({hv}).").format(
        first=data[0].label,
        last=data[-1].label,
        fv=texts[0],
        lv=texts[-1],
        hi=highest.label,
        hv=_value(highest.value, unit),
    )
    rows = tuple(Row(i.label, (t,)) for i, t in zip(data, texts, strict=True))
    return Chart("columns", title, _svg("columns", title, summary, height, body), headings, rows,
                 summary, height=round(height))  # fmt: skip


def stacked(
    title: str,
    items: Sequence[Series | tuple[str, Sequence[Number]]],
    parts: Sequence[str],
    *,
    label_heading: str = "Đơn vị",
) -> Chart:
    """Return 100 % stacked horizontal bars (official / probationary / exempted; women / men):
    each row's parts as shares of the row's sum, the share written in a part wide enough for
    it, a legend above. A row summing to zero (or less) is drawn as an empty outline."""
    data = [s if isinstance(s, Series) else Series(str(s[0]), tuple(s[1])) for s in items]
    for s in data:
        if len(s.values) != len(parts):
            raise ValueError(f"{s.label!r} has {len(s.values)} values for {len(parts)} parts")
    headings = (_(label_heading), *parts, _("Tổng số"))
    if not data or not parts:
        return _empty("stacked", title, headings)
    uid = _uid("stacked", title, data)
    body = [_patterns(uid, len(parts))]
    # The legend: swatch and name per part, flowing onto more lines as needed.
    x, y = 0.0, 4.0
    for n, name in enumerate(parts):
        w = 16 + _text_width(name, SMALL) + 14
        if x > 0 and x + w > WIDTH:
            x, y = 0.0, y + 18
        body.append(
            f'<g class="legend">{_rect(x, y, 12, 12, _part_fill(uid, n), extra=f"stroke={INK!r}")}'
            f"{_text(x + 16, y + 10.5, name, size=SMALL)}</g>"
        )
        x += w
    y += 26
    label_w = WIDTH * 0.3
    x0 = label_w + PAD
    span = WIDTH - x0 - 2
    rows = []
    for s in data:
        # Negative parts count as none; mixed int / float / Decimal sum as Decimal.
        values = [max(v if isinstance(v, int) else Decimal(str(v)), 0) for v in s.values]
        whole = sum(values)
        shares = [share(v, whole) if whole > 0 else None for v in values]
        lines = wrap(s.label, label_w)
        row_h = max(24.0, FONT * 1.15 * len(lines) + 8)
        mid = y + row_h / 2
        summed = sum(Decimal(v) for v in s.values)
        cells = [number(v) for v in s.values]
        notes = [percent_text(p) for p in shares]
        rows.append(Row(s.label, (*cells, number(summed)), notes=(*notes, "")))
        tip = "; ".join(f"{p}: {c} ({n})" for p, c, n in zip(parts, cells, notes, strict=True))
        group = [f'<g class="stack"><title>{_esc(s.label)}: {_esc(tip)}</title>',
                 _lines(label_w, mid, lines)]  # fmt: skip
        left = x0
        for n, v in enumerate(values):
            w = span * float(v) / float(whole) if whole > 0 else 0.0
            if w <= 0:
                continue
            group.append(_rect(left, mid - 8, w, 16, _part_fill(uid, n),
                               extra='stroke="#fff" stroke-width="0.5"'))  # fmt: skip
            label = percent_text(shares[n])
            if _text_width(label, SMALL) + 4 <= w:
                colour, _kind, ink = PART_STYLES[n % len(PART_STYLES)]
                group.append(_text(left + w / 2, mid + 3.7, label, anchor="middle", size=SMALL,
                                   fill=ink, halo=colour))  # fmt: skip
            left += w
        if whole <= 0:
            group.append(_rect(x0, mid - 8, span, 16, "none", extra=f'stroke="{LINE}"'))
        body.append("".join(group) + "</g>")
        y += row_h
    summary = _("{n} mục, mỗi thanh là 100 % chia theo: {parts}.").format(
        n=number(len(data)), parts=", ".join(parts)
    )
    height = y + 4
    return Chart("stacked", title, _svg("stacked", title, summary, height, body), headings,
                 tuple(rows), summary, height=round(height), legend=tuple(parts))  # fmt: skip


def funnel(
    title: str,
    stages: Sequence[Item | tuple[str, Number]],
    *,
    label_heading: str = "Bước",
) -> Chart:
    """Return the pipeline funnel: each stage a centred bar as wide as its count (of the
    largest), the count and the conversion from the previous stage on the right, the label on
    the left. The conversion of a stage after an empty one is "—", never a division by zero."""
    data = _items(stages)
    headings = (_(label_heading), _("Số lượng"), _("Tỷ lệ so với bước trước"))
    if not data:
        return _empty("funnel", title, headings)
    conversions: list[Decimal | None] = [None]
    for before, after in zip(data, data[1:], strict=False):
        prior = max(before.value, 0)
        conversions.append(share(max(after.value, 0), prior) if prior > 0 else None)
    counts = [number(i.value) for i in data]
    label_w = WIDTH * 0.32
    arrows = [""] + [f"↓ {percent_text(c)}" for c in conversions[1:]]
    right_w = max([_text_width(c) for c in counts] + [_text_width(a, SMALL) for a in arrows]) + PAD
    x0 = label_w + PAD
    span = WIDTH - x0 - right_w - PAD
    centre = x0 + span / 2
    top = max((float(i.value) for i in data), default=0.0)
    body: list[str] = []
    y = 4.0
    row_h = 34.0
    previous: tuple[float, float] | None = None
    for n, (item, count, arrow) in enumerate(zip(data, counts, arrows, strict=True)):
        lines = wrap(item.label, label_w)
        mid = y + row_h / 2
        w = span * float(item.value) / top if top > 0 and item.value > 0 else 0.0
        w = max(w, 1.0) if item.value > 0 else 0.0
        group = [f'<g class="stage"><title>{_esc(item.label)}: {_esc(count)} {_esc(arrow)}'
                 "</title>"]  # fmt: skip
        if previous is not None and (previous[1] > 0 or w > 0):
            pw = previous[1]
            group.append(
                f'<path d="M{centre - pw / 2:.2f} {previous[0]:.2f}H{centre + pw / 2:.2f}'
                f"L{centre + w / 2:.2f} {mid - 10:.2f}H{centre - w / 2:.2f}Z"
                f'" fill="{TRACK}"/>'
            )
        group.append(_lines(label_w, mid, lines))
        group.append(_rect(centre - w / 2, mid - 10, w, 20, RED))
        right = x0 + span + PAD
        if n:
            group.append(_text(right, mid - 1, count, weight="bold"))
            group.append(_text(right, mid + 11, arrow, size=SMALL, fill=MUTED))
        else:
            group.append(_text(right, mid + 4, count, weight="bold"))
        body.append("".join(group) + "</g>")
        previous = (mid + 10, w)
        y += row_h
    overall = share(max(data[-1].value, 0), data[0].value) if data[0].value > 0 else None
    summary = _("{n} bước, từ {first} ({fv}) đến {last} ({lv}); tỷ lệ chung {p}.").format(
        n=number(len(data)),
        first=data[0].label,
        fv=counts[0],
        last=data[-1].label,
        lv=counts[-1],
        p=percent_text(overall),
    )
    rows = tuple(
        Row(i.label, (c, "" if n == 0 else percent_text(p)))
        for n, (i, c, p) in enumerate(zip(data, counts, conversions, strict=True))
    )
    height = y + 4
    return Chart("funnel", title, _svg("funnel", title, summary, height, body), headings, rows,
                 summary, height=round(height))  # fmt: skip


def progress(
    title: str,
    achieved: Number,
    target: Number | None,
    forecast: Number | None = None,
) -> Chart:
    """Return a bullet chart: the achieved bar on a track, the target a black line under its
    value, the forecast (if any) a dashed line with its value above. No target (or zero) shows
    the achieved value alone with "—" for the rate."""
    headings = (_("Chỉ số"), _("Số lượng"))
    target_value = target if target is not None and target > 0 else 0
    rate = share(max(achieved, 0), target_value) if target_value > 0 else None
    scale = max(float(achieved), float(target_value), float(forecast or 0), 0.0)
    line = _("Đã đạt {a} / chỉ tiêu {t} ({p})").format(
        a=number(achieved), t=number(target) if target is not None else "—", p=percent_text(rate)
    )
    x0, span = PAD, WIDTH - 2 * PAD
    # The headline wraps (bold glyphs are wider: 0.65 em); the track goes under it.
    heads = wrap(line, span, lines=3, size=FONT * 1.1)
    body = [_text(x0, 16 + 15 * n, text, weight="bold") for n, text in enumerate(heads)]
    track_y = 42.0 + 15 * (len(heads) - 1)

    def at(v: Number) -> float:
        return x0 + (span * max(float(v), 0.0) / scale if scale > 0 else 0.0)

    body.append(_rect(x0, track_y, span, 22, TRACK, cls="track"))
    body.append(_rect(x0, track_y + 5, at(achieved) - x0, 12, RED, cls="achieved"))

    if forecast is not None:
        fx = at(forecast)
        body.append(f'<path class="forecast" d="M{fx:.2f} {track_y - 6}V{track_y + 28}" '
                    f'stroke="{INK}" stroke-width="2" stroke-dasharray="3 2"/>')  # fmt: skip
        text = _("Dự báo {v}").format(v=number(forecast))
        x, anchor = _within(fx, _text_width(text, SMALL))
        body.append(_text(x, track_y - 9, text, anchor=anchor, size=SMALL))
    if target_value > 0:
        tx = at(target_value)
        body.append(f'<path class="target" d="M{tx:.2f} {track_y - 2}V{track_y + 24}" '
                    f'stroke="{INK}" stroke-width="3"/>')  # fmt: skip
        text = _("Chỉ tiêu {v}").format(v=number(target))
        x, anchor = _within(tx, _text_width(text, SMALL))
        body.append(_text(x, track_y + 38, text, anchor=anchor, size=SMALL))
    summary = line + (
        "; " + _("dự báo cả kỳ {v}").format(v=number(forecast)) if forecast is not None else ""
    ) + "."  # fmt: skip
    rows = [Row(_("Đã đạt"), (number(achieved),)),
            Row(_("Chỉ tiêu"), (number(target) if target is not None else "—",))]  # fmt: skip
    if forecast is not None:
        rows.append(Row(_("Dự báo"), (number(forecast),)))
    rows.append(Row(_("Tỷ lệ hoàn thành"), (percent_text(rate),)))
    height = track_y + 46
    return Chart("progress", title, _svg("progress", title, summary, height, body), headings,
                 tuple(rows), summary, height=round(height))  # fmt: skip


__all__ = [
    "Chart",
    "Item",
    "Row",
    "Series",
    "bars",
    "columns",
    "funnel",
    "number",
    "percent_text",
    "progress",
    "share",
    "stacked",
    "wrap",
]


__all__ = [
    "Chart",
    "Item",
    "Row",
    "Series",
    "bars",
    "columns",
    "funnel",
    "number",
    "percent_text",
    "progress",
    "share",
    "stacked",
    "wrap",
]
