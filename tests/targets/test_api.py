"""The targets over JSON: list by year, set with PUT/POST (409 stale, 422 invalid), progress."""

from __future__ import annotations

import json
from decimal import Decimal

from ptdv.targets.models import Target
from tests.targets.conftest import set_


def _send(client, method, url, body):
    return client.generic(method, url, json.dumps(body), content_type="application/json")


def test_list_targets_of_a_year_includes_the_term(client, plan, django_assert_num_queries):
    set_(plan.cast.grassroots, 100, start=2025, end=2030)
    set_(plan.cast.grassroots, 8, start=2025, end=2025)
    client.force_login(plan.cast.viewer)
    with django_assert_num_queries(8):
        response = client.get(f"/api/v1/units/{plan.cast.grassroots.pk}/targets?year=2026")
    assert response.status_code == 200
    assert [(t["period"], t["value"]) for t in response.json()] == [
        ("nhiệm kỳ 2025–2030", "100.00"), ("năm 2026", "10.00")
    ]  # fmt: skip


def test_put_creates_then_changes_with_the_version(client, cast):
    client.force_login(cast.grassroots_officer)
    url = f"/api/v1/units/{cast.cell_a.pk}/targets"
    body = {"metric": "new_members", "start_year": 2026, "end_year": 2026, "value": 5}
    created = _send(client, "PUT", url, body)
    assert created.status_code == 200
    assert created.json()["version"] == 1
    changed = _send(client, "PUT", url, {**body, "value": 6, "version": 1})
    assert changed.json()["version"] == 2
    stale = _send(client, "PUT", url, {**body, "value": 7, "version": 1})
    assert stale.status_code == 409
    assert stale.json()["current_version"] == 2
    assert Target.objects.get().value == Decimal(6)


def test_post_answers_201_and_bad_input_422_with_the_field(client, cast):
    client.force_login(cast.board_specialist)
    url = f"/api/v1/units/{cast.commune.pk}/targets"
    body = {"metric": "women", "start_year": 2026, "end_year": 2026, "value": "40.5"}
    assert _send(client, "POST", url, body).status_code == 201
    bad = _send(client, "POST", url, {**body, "metric": "new_members", "value": -2})
    assert bad.status_code == 422
    assert bad.json()["errors"] == {"value": ["Mức chỉ tiêu không được âm."]}
    assert Target.objects.count() == 1


def test_a_viewer_may_read_but_not_set(client, plan):
    client.force_login(plan.cast.viewer)
    url = f"/api/v1/units/{plan.cast.cell_a.pk}/targets"
    body = {"metric": "new_members", "start_year": 2026, "end_year": 2026, "value": 1,
            "version": 1}  # fmt: skip
    assert _send(client, "PUT", url, body).status_code == 404
    assert client.get(url).status_code == 200


def test_progress(client, plan):
    client.force_login(plan.cast.board_specialist)
    response = client.get(f"/api/v1/units/{plan.cast.grassroots.pk}/targets/progress?year=2026")
    data = response.json()
    assert data["date"] == "2026-11-21"
    [item] = data["targets"]
    assert (item["achieved"], item["target"], item["at_risk"]) == (4, 10, True)
    assert item["reasons"] == ["Dự báo 4/10 (40 %): thiếu 6 đảng viên"]
    assert [c["achieved"] for c in data["children"]] == [3, 1]
    bad = client.get(f"/api/v1/units/{plan.cast.grassroots.pk}/targets/progress?period=20-25")
    assert bad.status_code == 422


def test_delete_removes_with_version_and_reason(client, plan):
    url = f"/api/v1/units/{plan.cast.cell_a.pk}/targets"
    body = {"metric": "new_members", "start_year": 2026, "end_year": 2026, "version": 1,
            "reason": "Giao nhầm năm"}  # fmt: skip
    client.force_login(plan.cast.viewer)
    assert _send(client, "DELETE", url, body).status_code == 404  # may read, not remove
    client.force_login(plan.cast.grassroots_officer)
    assert _send(client, "DELETE", url, {**body, "version": 0}).status_code == 409
    no_reason = _send(client, "DELETE", url, {**body, "reason": ""})
    assert no_reason.status_code == 422
    assert no_reason.json()["errors"] == {"reason": ["Hãy ghi lý do xóa chỉ tiêu."]}
    assert _send(client, "DELETE", url, body).status_code == 204
    assert not Target.objects.filter(unit=plan.cast.cell_a).exists()
    assert _send(client, "DELETE", url, body).status_code == 404  # gone
    assert Target.history.filter(unit_id=plan.cast.cell_a.pk, history_type="-").get(
        ).history_change_reason == "Giao nhầm năm"  # fmt: skip
