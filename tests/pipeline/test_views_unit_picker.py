"""Pipeline pages name units with their parent and pick them by search (decision D23)."""

from __future__ import annotations

import re
from html import unescape
from typing import Any

import pytest
from django.urls import reverse

from ptdv.orgs.models import OrgKind
from ptdv.pipeline import actions
from ptdv.pipeline.models import Case, Step
from ptdv.pipeline.services import add_to_pool
from tests.factories import TODAY, make_org
from tests.pipeline.factories import make_candidate
from tests.pipeline.test_views import _open, _walk

CELL_A = "Chi bộ Tổ Toán – Tin — Đảng bộ Trường THPT Đông Hà"


@pytest.fixture(autouse=True)
def pinned_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("ptdv.pipeline.views._today", lambda: TODAY)


def _html(client: Any, user: Any, url: str, params: dict[str, Any] | None = None) -> str:
    client.force_login(user)
    response = client.get(url, params or {})
    assert response.status_code == 200
    return unescape(response.content.decode())


def test_board_cards_todo_and_case_page_name_the_cell_with_its_parent(client, world):
    case = _walk(world, _open(world), through=actions.CELL_VOTE)
    user = world.cast.board_specialist
    board = _html(client, user, reverse("pipeline:board"), {"org": world.cast.grassroots.pk})
    assert f'<div class="small">{CELL_A}</div>' in board
    todo = _html(client, user, reverse("pipeline:todo"))
    assert f"<td>{CELL_A}</td>" in todo
    page = _html(client, user, reverse("pipeline:case-detail", args=[case.pk]))
    assert f"<dd>{CELL_A}</dd>" in page


def test_pool_page_names_and_picks_the_cell(client, world):
    cast = world.cast
    add_to_pool(cell=cast.cell_a, person=make_candidate(cast.cell_a), source="youth_union",
                listed_on=TODAY, proposed_by="", notes="", actor=cast.board_specialist,
                today=TODAY)  # fmt: skip
    html = _html(client, cast.board_specialist, reverse("pipeline:pool"),
                 {"cell": cast.cell_b.pk, "cell_q": "toan tin"})  # fmt: skip
    assert "Quần chúng ưu tú: Chi bộ Tổ Văn – Sử — Đảng bộ Trường THPT Đông Hà" in html
    # The chosen cell first, then what "toan tin" finds; no flat list of every cell.
    radios = re.findall(r'<input type="radio" name="cell" value="(\d+)"( checked)?>', html)
    assert radios == [(str(cast.cell_b.pk), " checked"), (str(cast.cell_a.pk), "")]
    assert "<select" not in html


def test_board_renders_a_bounded_picker_whatever_the_number_of_units(client, world):
    cast = world.cast
    for n in range(40):
        make_org(cast.grassroots, OrgKind.CELL, f"Chi bộ Tổ {n:02d}", code=f"T{n:02d}")
    html = _html(client, cast.board_specialist, reverse("pipeline:board"))
    assert html.count('type="radio" name="org"') == 1  # the chosen unit only
    assert html.count('type="radio" name="cell"') == 21  # "all cells" and the first 20
    assert "hãy gõ thêm chữ để thu hẹp" in html


def _transfer_post(client: Any, world: Any, case: Case, to_cell: Any) -> str:
    client.force_login(world.cast.grassroots_officer)
    url = reverse("pipeline:case-step", args=[case.pk]) + f"?action={actions.TRANSFERRED}"
    data = {"occurred_on": "10/09/2024", "to_cell": to_cell, "reason": "Chuyển công tác",
            "version": case.version}  # fmt: skip
    response = client.post(url, data)
    assert response.status_code == 200
    return response.content.decode()


def test_a_transfer_to_a_cell_outside_the_scope_is_refused_like_an_absent_one(client, world):
    case = _open(world)
    before = Step.objects.count()
    outside = _transfer_post(client, world, case, world.cast.other_cell.pk)
    absent = _transfer_post(client, world, case, 999_999)
    message = "Chi bộ nhận: lựa chọn không có trong danh sách."
    assert message in outside
    assert message in absent
    assert "Phân xưởng" not in outside
    assert Step.objects.count() == before


def test_the_picker_search_button_records_nothing(client, world):
    case = _open(world)
    before = Step.objects.count()
    client.force_login(world.cast.grassroots_officer)
    url = reverse("pipeline:case-step", args=[case.pk]) + f"?action={actions.TRANSFERRED}"
    response = client.post(url, {"occurred_on": "10/09/2024", "to_cell": world.cast.cell_b.pk,
                                 "to_cell_q": "van su", "reason": "x", "version": case.version,
                                 "picker": "to_cell"})  # fmt: skip
    assert response.status_code == 200
    assert Step.objects.count() == before
    html = unescape(response.content.decode())
    assert "Chi bộ Tổ Văn – Sử — Đảng bộ Trường THPT Đông Hà" in html


def test_the_decision_picker_offers_the_committees_above_the_cell(client, world):
    cast = world.cast
    client.force_login(cast.cell_secretary)
    # The committees above the cell are outside a cell secretary's scope, yet offered.
    url = reverse("orgs:picker")
    html = client.get(url, {"source": "case-step", "anchor": cast.cell_a.pk,
                            "field": "authority", "authority_q": "dong ha"},
                      HTTP_HX_REQUEST="true").content.decode()  # fmt: skip
    offered = re.findall(r'name="authority" value="(\d+)"', html)
    assert offered == [str(cast.commune.pk), str(cast.grassroots.pk), str(cast.cell_a.pk)]
