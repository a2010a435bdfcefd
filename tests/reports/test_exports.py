"""The table's page, print view and Excel file: scoped like the unit, the export access-logged,
and the file opened in LibreOffice (converted to PDF, its text read back)."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from django.urls import reverse
from pypdf import PdfReader

from ptdv.access.models import AccessLog
from ptdv.members.models import Membership
from ptdv.reports import tables
from ptdv.reports.xlsx import workbook
from tests.members.helpers import admitted, enter

SOFFICE = os.environ.get("PTDV_SOFFICE") or shutil.which("soffice") or "/usr/bin/soffice"
PARAMS = {"kind": "new-members", "since": "01/01/2026", "day": "30/11/2026"}


@pytest.fixture
def admissions(cast):
    for person in (cast.person_a, cast.person_b):
        enter([(person, date(2026, 3, 1), admitted(person, date(2026, 3, 20), official=False))])
    return Membership.objects.count()


def _pdf_text(xlsx: bytes, tmp_path: Path) -> str:
    if not Path(SOFFICE).is_file():
        pytest.fail(f"No LibreOffice at {SOFFICE}: run `make test` (it installs it) or set "
                    "PTDV_SOFFICE")  # fmt: skip
    source = tmp_path / "bieu.xlsx"
    source.write_bytes(xlsx)
    profile = tmp_path / "profile"  # a private profile: parallel runs do not share a lock
    subprocess.run(
        [SOFFICE, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
         "--outdir", str(tmp_path), str(source)],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    reader = PdfReader(io.BytesIO((tmp_path / "bieu.pdf").read_bytes()))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_the_excel_file_opens_in_libreoffice_with_its_headings_and_numbers(
    cast, admissions, tmp_path
):
    table = tables.build("new-members", cast.province, since=date(2026, 1, 1),
                         day=date(2026, 11, 30))  # fmt: skip
    text = _pdf_text(workbook(table), tmp_path)
    flat = " ".join(text.split())
    assert "BIỂU THỐNG KÊ: ĐẢNG VIÊN MỚI KẾT NẠP PHÂN THEO ĐẶC ĐIỂM" in flat
    assert "Đơn vị: Tỉnh ủy Quảng Trị. Từ ngày 01/01/2026 đến ngày 30/11/2026." in flat
    assert "Tổng số: Tỉnh ủy Quảng Trị" in flat
    assert "Đảng bộ phường Đông Hà" in flat
    assert "Nữ" in flat
    assert "Tổng số kết nạp" in flat
    # One woman of two: 50.00 % in the share row, under the "Nữ" column.
    assert "50.00" in flat or "50,00" in flat


def test_the_page_shows_the_table_and_the_export_is_logged(client, cast, admissions):
    client.force_login(cast.viewer)  # a viewer of the grassroots committee
    url = reverse("reports:table", args=[cast.grassroots.pk])
    page = client.get(url, PARAMS)
    assert page.status_code == 200
    text = page.content.decode()
    assert "Đảng viên mới kết nạp phân theo đặc điểm" in text
    assert "Chi bộ Tổ Toán – Tin" in text
    assert "Tải tệp Excel" in text
    assert "Độ tuổi tính tại ngày kết nạp." in text
    # The members table: ages in full years at the end of the month of the table's day (D53).
    members = client.get(url, {"kind": "members", "day": "2026-11-20"}).content.decode()
    assert "Độ tuổi là tuổi tròn tính đến ngày cuối tháng của ngày cuối kỳ." in members
    assert "Độ tuổi tính theo tuổi tròn đến cuối tháng (30/11/2026)." in members
    before = AccessLog.objects.filter(kind=AccessLog.Kind.EXPORT).count()
    response = client.get(reverse("reports:table-xlsx", args=[cast.grassroots.pk]), PARAMS)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response.content[:2] == b"PK"  # a zip: an .xlsx
    assert "bieu-new-members-THPTDH-20261130.xlsx" in response["Content-Disposition"]
    log = AccessLog.objects.filter(kind=AccessLog.Kind.EXPORT).order_by("-at").first()
    assert AccessLog.objects.filter(kind=AccessLog.Kind.EXPORT).count() == before + 1
    assert log is not None
    assert (log.user, log.object_id) == (cast.viewer, str(cast.grassroots.pk))
    printed = client.get(url, {**PARAMS, "in": "1"}).content.decode()
    assert "BIỂU THỐNG KÊ" in printed
    assert 'class="topbar"' not in printed


def test_out_of_scope_is_404_and_a_bad_period_is_explained(client, cast, admissions):
    client.force_login(cast.outsider)
    for name in ("reports:table", "reports:table-xlsx"):
        assert client.get(reverse(name, args=[cast.grassroots.pk]), PARAMS).status_code == 404
    assert not AccessLog.objects.filter(kind=AccessLog.Kind.EXPORT).exists()
    client.force_login(cast.viewer)
    bad = {**PARAMS, "since": "01/12/2026"}
    page = client.get(reverse("reports:table", args=[cast.grassroots.pk]), bad)
    assert "Ngày đầu kỳ phải trước ngày cuối kỳ." in page.content.decode()
    export = client.get(reverse("reports:table-xlsx", args=[cast.grassroots.pk]), bad)
    assert export.status_code == 400
    assert not AccessLog.objects.filter(kind=AccessLog.Kind.EXPORT).exists()


def test_a_missing_or_unknown_table_is_explained_in_vietnamese(client, cast):
    client.force_login(cast.viewer)
    url = reverse("reports:table", args=[cast.grassroots.pk])
    missing = client.get(url, {"day": "30/11/2026"}).content.decode()
    assert "Hãy chọn một biểu." in missing
    assert "This field is required" not in missing
    unknown = client.get(url, {"kind": "x", "day": "30/11/2026"}).content.decode()
    assert "Biểu không có trong danh sách." in unknown
