"""`ptdv targets progress UNIT_CODE PERIOD --json`."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command


def _run(*args):
    out = StringIO()
    call_command("targets", "progress", *args, stdout=out)
    return out.getvalue()


def test_progress_as_json(plan):
    data = json.loads(_run("THPTDH", "2026", "--date", "2026-11-21", "--json"))
    assert data["unit"]["code"] == "THPTDH"
    assert data["period"]["label"] == "năm 2026"
    [item] = data["targets"]
    assert item["forecast"] == {"total": 4, "pipeline": "0.00", "pace": "0.18",
                                "remaining_days": 40}  # fmt: skip
    assert item["reasons"] == ["Dự báo 4/10 (40 %): thiếu 6 đảng viên"]
    assert data["split"]["adds_up"] is False


def test_progress_as_text_and_a_term(plan):
    text = _run("THPTDH", "2026", "--date", "2026-11-21")
    assert "Số đảng viên mới kết nạp: 4 / 10, dự báo 4" in text
    assert "Chưa đặt chỉ tiêu nào." in _run("THPTDH", "2020-2025", "--date", "2026-11-21")


@pytest.mark.parametrize(
    ("args", "message"),
    [(("KHONGCO", "2026"), "Không có tổ chức đảng mã “KHONGCO”."),
     (("THPTDH", "26"), "Kỳ “26” không hợp lệ"),
     (("THPTDH", "2026", "--date", "21/11/2026"), "không hợp lệ: viết theo dạng YYYY-MM-DD")],
)  # fmt: skip
def test_bad_arguments_are_explained(plan, args, message):
    with pytest.raises(CommandError, match=message):
        _run(*args)
