"""The target page and the form: scope (forbidden answers like absent), progress as
"4 / 10", the split's mismatch, form errors in Vietnamese, the stale-version conflict."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from ptdv.targets.models import Target

ABSENT = 987654


def _page(client, user, org_id, query="ky=2026"):
    client.force_login(user)
    return client.get(f"{reverse('targets:unit', args=[org_id])}?{query}")


def test_the_page_shows_progress_forecast_risk_and_the_split(
    client, plan, django_assert_num_queries
):
    client.force_login(plan.cast.grassroots_officer)
    url = f"{reverse('targets:unit', args=[plan.cast.grassroots.pk])}?ky=2026"
    # 20, the cells that admitted nobody (counts per unit below, their names, the idle cells and
    # their last admissions), and the cells read first by each count of events; the year's
    # progress from the admission rows (D43), the pace's whole months too (with its days before
    # the first and after the last from the events); each read of the admission rows probes
    # for rows and packs after its last month first (D51), and reads the packs of its periods
    # after the rows (D57); the units moved in the period in one read of both index ranges.
    with django_assert_num_queries(32):
        response = client.get(url)
    html = response.content.decode()
    assert response.status_code == 200
    assert "4 / 10" in html
    assert "40 %" in html
    assert "Dự báo 4/10 (40 %): thiếu 6 đảng viên" in html
    assert "Tổng chỉ tiêu các đơn vị trực thuộc là 9, khác chỉ tiêu của đơn vị (10)." in html
    assert "Chi bộ Tổ Toán – Tin" in html
    assert "Đặt chỉ tiêu" in html  # the officer may set targets here


def test_a_viewer_sees_the_page_without_the_form_link(client, plan):
    html = _page(client, plan.cast.viewer, plan.cast.grassroots.pk).content.decode()
    assert "4 / 10" in html
    assert "Đặt chỉ tiêu" not in html


@pytest.mark.parametrize("name", ["targets:unit", "targets:edit"])
def test_out_of_scope_answers_like_absent(client, plan, name):
    client.force_login(plan.cast.outsider)
    forbidden = client.get(reverse(name, args=[plan.cast.grassroots.pk]))
    absent = client.get(reverse(name, args=[ABSENT]))
    assert forbidden.status_code == absent.status_code == 404
    assert plan.cast.grassroots.name not in forbidden.content.decode()


def test_a_cell_secretary_may_not_set_targets(client, plan):
    client.force_login(plan.cast.cell_secretary)
    url = reverse("targets:edit", args=[plan.cast.cell_a.pk])
    assert client.get(url).status_code == 404
    data = {"metric": "new_members", "start_year": 2026, "end_year": 2026, "value": 1}
    assert client.post(url, data).status_code == 404
    assert Target.objects.get(unit=plan.cast.cell_a).value == Decimal(6)


def test_an_unknown_period_is_explained(client, plan):
    html = _page(client, plan.cast.viewer, plan.cast.grassroots.pk, "ky=2026-2020").content.decode()
    assert "năm kết thúc phải sau hoặc bằng năm bắt đầu" in html


def test_setting_a_target_redirects_to_the_page(client, cast):
    client.force_login(cast.grassroots_officer)
    url = reverse("targets:edit", args=[cast.grassroots.pk])
    data = {"metric": "new_members", "start_year": 2020, "end_year": 2025, "value": "120",
            "notes": "Nghị quyết Đại hội"}  # fmt: skip
    response = client.post(url, data)
    assert response.status_code == 302
    assert response["Location"].endswith("?ky=2020-2025")
    target = Target.objects.get()
    assert (target.value, target.start_year, target.end_year) == (Decimal(120), 2020, 2025)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"value": "-3"}, "Mức chỉ tiêu không được âm."),
        ({"value": "nhiều"}, "Mức chỉ tiêu phải là một số, ví dụ 50 hoặc 40,5."),
        ({"value": ""}, "Hãy nhập mức chỉ tiêu."),
        ({"end_year": "2025"}, "Năm kết thúc phải sau hoặc bằng năm bắt đầu."),
        ({"start_year": "năm nay"}, "Từ năm phải là một năm, ví dụ 2025."),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(client, cast, data, message):
    client.force_login(cast.grassroots_officer)
    posted = {"metric": "new_members", "start_year": "2026", "end_year": "2026", "value": "5",
              **data}  # fmt: skip
    response = client.post(reverse("targets:edit", args=[cast.grassroots.pk]), posted)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Target.objects.exists()


def test_a_stale_version_shows_the_conflict(client, plan):
    client.force_login(plan.cast.grassroots_officer)
    url = reverse("targets:edit", args=[plan.cast.cell_a.pk]) + "?ky=2026"
    form = client.get(url).content.decode()
    assert 'name="version" value="1"' in form
    data = {"metric": "new_members", "start_year": 2026, "end_year": 2026, "value": 7,
            "version": 1}  # fmt: skip
    assert client.post(url, data).status_code == 302
    response = client.post(url, {**data, "value": 5})
    assert "đã được người khác sửa và lưu trước bạn" in response.content.decode()
    assert Target.objects.get(unit=plan.cast.cell_a).value == Decimal(7)


def test_a_split_over_the_parent_is_refused_on_the_form(client, plan):
    client.force_login(plan.cast.grassroots_officer)
    url = reverse("targets:edit", args=[plan.cast.cell_b.pk]) + "?ky=2026"
    data = {"metric": "new_members", "start_year": 2026, "end_year": 2026, "value": 5,
            "version": 1}  # fmt: skip
    html = client.post(url, data).content.decode()
    assert "vượt chỉ tiêu của cấp trên (10)" in html


def test_the_unit_page_links_to_the_targets(client, cast):
    client.force_login(cast.viewer)
    html = client.get(reverse("orgs:detail", args=[cast.grassroots.pk])).content.decode()
    assert reverse("targets:unit", args=[cast.grassroots.pk]) in html


def test_the_page_lists_the_cells_that_admitted_nobody(client, plan):
    from datetime import date

    from ptdv.orgs.models import OrgField, OrgKind
    from tests.factories import make_org

    quiet = make_org(plan.cast.grassroots, OrgKind.CELL, "Chi bộ Thôn Lặng", code="LANG",
                     valid_from=date(2010, 1, 1), field=OrgField.RESIDENTIAL)  # fmt: skip
    html = _page(client, plan.cast.grassroots_officer, plan.cast.grassroots.pk,
                 "ky=2026&nam=3").content.decode()  # fmt: skip
    assert "Chi bộ không kết nạp được đảng viên trong 3 năm" in html
    assert reverse("orgs:detail", args=[quiet.pk]) in html
    assert reverse("orgs:detail", args=[plan.cast.cell_a.pk]) not in html  # admitted in 2026
    bad = _page(client, plan.cast.grassroots_officer, plan.cast.grassroots.pk, "ky=2026&nam=0")
    assert "Số năm phải từ 1 đến 20." in bad.content.decode()


def _remove_url(org_id: int, metric: str = "new_members") -> str:
    return f"{reverse('targets:remove', args=[org_id])}?ky=2026&chi-tieu={metric}"


def test_a_target_set_by_mistake_is_removed_with_a_reason_kept_in_its_history(client, plan):
    client.force_login(plan.cast.grassroots_officer)
    page = client.get(f"{reverse('targets:unit', args=[plan.cast.grassroots.pk])}?ky=2026")
    assert _remove_url(plan.cast.grassroots.pk).replace("&", "&amp;") in page.content.decode()
    url = _remove_url(plan.cast.cell_b.pk)
    confirm = client.get(url).content.decode()
    assert "mức 3, sẽ bị xóa" in confirm
    # No reason: refused, nothing removed.
    refused = client.post(url, {"reason": "  ", "version": 1})
    assert "Hãy ghi lý do xóa chỉ tiêu." in refused.content.decode()
    assert Target.objects.filter(unit=plan.cast.cell_b).exists()
    response = client.post(url, {"reason": "Giao nhầm chi bộ", "version": 1})
    assert response.status_code == 302
    assert not Target.objects.filter(unit=plan.cast.cell_b).exists()
    removal = Target.history.filter(unit_id=plan.cast.cell_b.pk).latest("history_date")
    assert removal.history_type == "-"
    assert removal.history_user == plan.cast.grassroots_officer
    assert removal.history_change_reason == "Giao nhầm chi bộ"
    # The parent's split now says the cell has none.
    html = client.get(response["Location"]).content.decode()
    assert "Đã xóa chỉ tiêu." in html


def test_removing_a_target_someone_changed_meanwhile_is_refused(client, plan):
    client.force_login(plan.cast.grassroots_officer)
    url = _remove_url(plan.cast.cell_a.pk)
    edit = reverse("targets:edit", args=[plan.cast.cell_a.pk]) + "?ky=2026"
    data = {"metric": "new_members", "start_year": 2026, "end_year": 2026, "value": 7,
            "version": 1}  # fmt: skip
    assert client.post(edit, data).status_code == 302  # now version 2
    response = client.post(url, {"reason": "Nhầm", "version": 1})
    assert "đã được người khác sửa và lưu trước bạn" in response.content.decode()
    assert Target.objects.get(unit=plan.cast.cell_a).value == Decimal(7)


def test_removal_is_scoped_and_absent_answers_alike(client, plan):
    client.force_login(plan.cast.outsider)
    forbidden = client.post(_remove_url(plan.cast.cell_a.pk), {"reason": "x", "version": 1})
    absent = client.post(_remove_url(ABSENT), {"reason": "x", "version": 1})
    assert forbidden.status_code == absent.status_code == 404
    client.force_login(plan.cast.cell_secretary)  # may read, not set or remove
    assert client.get(_remove_url(plan.cast.cell_a.pk)).status_code == 404
    client.force_login(plan.cast.grassroots_officer)
    assert client.get(_remove_url(plan.cast.cell_a.pk, "women")).status_code == 404  # none set
    assert client.get(_remove_url(plan.cast.cell_a.pk, "bogus")).status_code == 404
    assert Target.objects.filter(unit=plan.cast.cell_a).exists()
