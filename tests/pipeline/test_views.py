"""Pipeline pages: board, case page, step form, "Việc cần làm", the pool; scope and htmx."""

from __future__ import annotations

import re
from datetime import date, timedelta
from html import unescape
from typing import Any

import pytest
from django.urls import reverse

from ptdv.core.calendar import load_calendar
from ptdv.pipeline import actions, boards
from ptdv.pipeline.models import Case, Mentor, PoolEntry, PoolReview, Stage, Step
from ptdv.pipeline.services import add_to_pool, record_step
from tests.factories import TODAY, make_person
from tests.pipeline.factories import make_candidate, open_test_case, path_steps

ALL_USERS = [
    "administrator",
    "board_specialist",
    "grassroots_officer",
    "cell_secretary",
    "viewer",
    "outsider",
    "nobody",
]
READ_CELL_A = {
    "administrator",
    "board_specialist",
    "grassroots_officer",
    "cell_secretary",
    "viewer",
}


@pytest.fixture(autouse=True)
def pinned_today(monkeypatch: pytest.MonkeyPatch) -> None:
    """The pages read today's date through one function; pin it to the factories' TODAY."""
    monkeypatch.setattr("ptdv.pipeline.views._today", lambda: TODAY)


def _shift(value: Any, by: timedelta) -> Any:
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return (date.fromisoformat(value) + by).isoformat()
    return value


def _walk(world: Any, case: Case, *, through: str, shift: timedelta = timedelta(0)) -> Case:
    """Record the factories' path up to and including the action `through`, dates moved."""
    for _stage, action, day, data in path_steps(
        world.members, authority=world.authority, eligible=world.members.count
    ):
        record_step(
            case=case,
            action=action,
            occurred_on=day + shift,
            data={k: _shift(v, shift) for k, v in data.items()},
            version=case.version,
            actor=world.cast.board_specialist,
            today=TODAY,
        )
        if action == through:
            break
    return case


def _open(world: Any, person: Any = None, *, shift: timedelta = timedelta(0), **kw: Any) -> Case:
    return open_test_case(
        person or world.candidate,
        world.cast.cell_a,
        actor=world.cast.board_specialist,
        opened_on=date(2024, 9, 9) + shift,
        **kw,
    )


def _card_names(html: str) -> list[str]:
    return re.findall(r'<a href="/phat-trien-dang-vien/ho-so/\d+/"><strong>([^<]+)</strong>', html)


def _vote_data(case: Case, **extra: Any) -> dict[str, Any]:
    data = {
        "occurred_on": "25/11/2024",
        "eligible": "4",
        "present": "4",
        "agree": "4",
        "resolution_number": "15-NQ/CB",
        "note": "",
        "version": str(case.version),
    }
    data.update(extra)
    return data


def _snapshot() -> tuple[Any, ...]:
    return (
        list(Case.objects.order_by("pk").values()),
        list(Step.objects.order_by("pk").values()),
        list(Mentor.objects.order_by("pk").values()),
        list(PoolEntry.objects.order_by("pk").values()),
        Case.history.count(),  # type: ignore[attr-defined]
    )


def _step_url(case: Case, action: str) -> str:
    return reverse("pipeline:case-step", args=[case.pk]) + f"?action={action}"


# --- board ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("user", "expected"),
    [
        ("administrator", ["Phạm Minh Tuấn", "Võ Thị Lan"]),
        ("board_specialist", ["Phạm Minh Tuấn", "Võ Thị Lan"]),
        ("grassroots_officer", ["Võ Thị Lan"]),
        ("cell_secretary", ["Võ Thị Lan"]),
        ("viewer", ["Võ Thị Lan"]),
        ("outsider", ["Phạm Minh Tuấn"]),
    ],
)
def test_board_shows_the_cases_of_the_users_first_unit(client, world, user, expected) -> None:
    cast = world.cast
    _open(world)
    open_test_case(cast.person_other, cast.other_cell, actor=cast.administrator)
    client.force_login(cast.users[user])
    response = client.get(reverse("pipeline:board"))
    assert response.status_code == 200
    html = response.content.decode()
    assert sorted(_card_names(html)) == expected
    # Both open cases stand in the first column (just opened: Tạo nguồn).
    assert re.search(r'id="col-source"[^>]*>Tạo nguồn <span class="badge">(\d+)</span>', html)[
        1
    ] == str(len(expected))


def test_board_lists_every_open_stage_as_a_column_in_path_order(client, world) -> None:
    client.force_login(world.cast.grassroots_officer)
    html = client.get(reverse("pipeline:board")).content.decode()
    columns = re.findall(r'<h2 id="col-([a-z_]+)"', html)
    assert columns == [s.value for s in Stage if s not in (Stage.OFFICIAL, Stage.EXITED)]


@pytest.mark.parametrize("user", ["outsider", "nobody"])
def test_board_of_a_unit_outside_scope_is_404(client, world, user) -> None:
    client.force_login(world.cast.users[user])
    response = client.get(reverse("pipeline:board"), {"org": world.cast.cell_a.pk})
    assert response.status_code == 404


def test_board_without_any_grant_is_404(client, world) -> None:
    client.force_login(world.cast.nobody)
    assert client.get(reverse("pipeline:board")).status_code == 404


def test_board_filters_by_cell_source_and_overdue(client, world) -> None:
    cast = world.cast
    # Cell vote in November 2024: the decision was due 60 working days later, long ago.
    late = _walk(world, _open(world), through=actions.CELL_VOTE)
    fresh = make_candidate(cast.cell_b, given_name="Nga")
    open_test_case(fresh, cast.cell_b, actor=cast.board_specialist, source="student")
    client.force_login(cast.board_specialist)
    url = reverse("pipeline:board")
    base = {"org": cast.grassroots.pk}
    assert _card_names(client.get(url, base).content.decode()) == ["Hoàng Thị Nga", "Võ Thị Lan"]
    html = client.get(url, {**base, "overdue": "on"}).content.decode()
    assert _card_names(html) == ["Võ Thị Lan"]
    assert "Quá hạn" in html
    assert late.next_due_on is not None
    assert f"Hạn: {late.next_due_on:%d/%m/%Y}" in html
    assert _card_names(client.get(url, {**base, "source": "student"}).content.decode()) == [
        "Hoàng Thị Nga"
    ]
    assert _card_names(client.get(url, {**base, "cell": cast.cell_b.pk}).content.decode()) == [
        "Hoàng Thị Nga"
    ]
    # The cell picker offers the cells under the chosen unit only (and "all cells").
    html = client.get(url, base).content.decode()
    assert re.findall(r'<input type="radio" name="cell" value="(\d*)"', html) == [
        "",
        str(cast.cell_a.pk),
        str(cast.cell_b.pk),
    ]


def test_board_cell_from_another_unit_is_ignored(client, world) -> None:
    cast = world.cast
    _open(world)
    client.force_login(cast.board_specialist)
    response = client.get(
        reverse("pipeline:board"), {"org": cast.grassroots.pk, "cell": cast.other_cell.pk}
    )
    assert response.status_code == 200
    assert _card_names(response.content.decode()) == ["Võ Thị Lan"]


def test_board_htmx_returns_the_board_region_only(client, world) -> None:
    _open(world)
    client.force_login(world.cast.cell_secretary)
    response = client.get(
        reverse("pipeline:board"), {"source": "youth_union"}, headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="board"')
    assert "<html" not in html
    assert _card_names(html) == ["Võ Thị Lan"]
    assert "HX-Request" in response["Vary"]


def test_board_query_count_does_not_grow_with_cases(
    client, world, django_assert_num_queries
) -> None:
    cast = world.cast
    _open(world)
    client.force_login(cast.board_specialist)
    url = reverse("pipeline:board")
    # session, user, grants, the chosen unit, unit options, cell options, counts, the cards' ids
    # and rows, and the session save (savepoint, update, release)
    with django_assert_num_queries(12):
        client.get(url, {"org": cast.grassroots.pk})
    for name in ("An", "Bảo", "Chi"):
        open_test_case(
            make_candidate(cast.cell_b, given_name=name), cast.cell_b, actor=cast.board_specialist
        )
    with django_assert_num_queries(9):  # the session, saved by the first page, not again (3 fewer)
        response = client.get(url, {"org": cast.grassroots.pk})
    assert len(_card_names(response.content.decode())) == 4


GIVEN_NAMES = ["An", "Bình", "Cúc", "Dung", "Giang", "Hà", "Khánh", "Linh", "Mai", "Nam", "Oanh"]


def _many_sources(world: Any, n: int) -> list[str]:
    """Open n cases in cell B, one a day from 01/10/2026 (the board lists the oldest first)."""
    cast = world.cast
    names = []
    for i in range(n):
        person = make_candidate(cast.cell_b, given_name=GIVEN_NAMES[i])
        open_test_case(
            person, cast.cell_b, actor=cast.board_specialist, opened_on=date(2026, 10, 1 + i)
        )
        names.append(person.full_name)
    return names


def test_a_full_column_shows_its_first_cards_and_links_to_the_whole_stage(client, world) -> None:
    cast = world.cast
    names = _many_sources(world, boards.BOARD_CARDS + 3)
    client.force_login(cast.board_specialist)
    url = reverse("pipeline:board")
    html = client.get(url, {"org": cast.grassroots.pk}).content.decode()
    assert _card_names(html) == names[: boards.BOARD_CARDS]
    more = re.search(r'<li class="board-more"><a href="([^"]+)"[^>]*>([^<]+)</a>', html)
    assert more is not None
    assert unescape(more[2]).strip() == f"Xem cả {len(names)} hồ sơ ›"
    # The link keeps the unit and chooses the stage; the stage's page lists every case.
    link = unescape(more[1])
    assert link == f"?org={cast.grassroots.pk}&stage=source"
    html = client.get(url + link).content.decode()
    assert _card_names(html) == names
    assert 'class="board-col"' not in html
    # Every stage's count is a link above the list, the chosen one marked.
    tabs = re.findall(r'<a class="stage-tab" href="([^"]+)"[^>]*?( aria-current="page")?>', html)
    assert len(tabs) == 1 + len(Stage) - 2  # the whole board, then each open stage
    assert unescape(tabs[0][0]) == f"?org={cast.grassroots.pk}"
    assert [unescape(h) for h, current in tabs if current] == [link]
    assert re.search(r'aria-current="page">Tạo nguồn <span class="badge">9</span>', html)


def test_a_stages_page_pages_through_its_cases(client, world, monkeypatch) -> None:
    cast = world.cast
    monkeypatch.setattr(boards, "STAGE_PAGE", 4)
    names = _many_sources(world, 6)
    client.force_login(cast.board_specialist)
    url = reverse("pipeline:board")
    query = {"org": cast.grassroots.pk, "stage": "source"}
    first = client.get(url, query).content.decode()
    assert _card_names(first) == names[:4]
    assert "Trang 1 / 2" in first
    second = client.get(url, {**query, "page": 2}).content.decode()
    assert _card_names(second) == names[4:]
    # Past the last page: the last page, as everywhere else in PTĐV.
    assert _card_names(client.get(url, {**query, "page": 9}).content.decode()) == names[4:]
    # The filters hold on the stage's page: overdue only finds none of these.
    html = client.get(url, {**query, "overdue": "on"}).content.decode()
    assert _card_names(html) == []
    assert "Không có hồ sơ." in html


def test_a_stages_page_costs_the_same_queries_whatever_its_size(
    client, world, django_assert_num_queries
) -> None:
    cast = world.cast
    client.force_login(cast.board_specialist)
    url = reverse("pipeline:board")
    query = {"org": cast.grassroots.pk, "stage": "source"}
    _many_sources(world, 2)
    # session, user, grants, the chosen unit, unit options, cell options, the counts, the
    # page's rows, and the session save (savepoint, update, release)
    with django_assert_num_queries(11):
        client.get(url, query)
    _many_sources(world, 5)
    with django_assert_num_queries(8):  # the session, saved by the first page, not again (3 fewer)
        response = client.get(url, query)
    assert len(_card_names(response.content.decode())) == 7


def test_an_unknown_stage_shows_the_board(client, world) -> None:
    _open(world)
    client.force_login(world.cast.board_specialist)
    for stage in ("official", "no-such-stage"):
        response = client.get(reverse("pipeline:board"), {"stage": stage})
        assert response.status_code == 200
        html = response.content.decode()
        assert 'class="board-col"' in html
        assert "stage-tab" not in html


def test_a_stages_page_over_htmx_is_the_board_region(client, world) -> None:
    _many_sources(world, 2)
    client.force_login(world.cast.board_specialist)
    response = client.get(
        reverse("pipeline:board"),
        {"org": world.cast.grassroots.pk, "stage": "source"},
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="board"')
    assert "<html" not in html
    assert len(_card_names(html)) == 2


# --- case page -----------------------------------------------------------------------------


@pytest.mark.parametrize("user", ALL_USERS)
def test_case_page_is_reachable_in_scope_only(client, world, user) -> None:
    case = _open(world)
    client.force_login(world.cast.users[user])
    response = client.get(reverse("pipeline:case-detail", args=[case.pk]))
    assert response.status_code == (200 if user in READ_CELL_A else 404)


def test_case_page_shows_timeline_votes_forms_mentors_and_next_actions(client, world) -> None:
    cast = world.cast
    case = _walk(world, _open(world), through=actions.CELL_VOTE)
    client.force_login(cast.grassroots_officer)
    response = client.get(reverse("pipeline:case-detail", args=[case.pk]))
    html = unescape(response.content.decode())
    assert response.status_code == 200
    # The timeline: every step with its date and label, a vote as one readable line.
    dates = re.findall(r'<div class="timeline-date">([^<]+)</div>', html)
    assert dates == [
        "09/09/2024",
        "20/09/2024",
        "07/10/2024",
        "14/10/2024",
        "15/10/2024",
        "16/10/2024",
        "15/11/2024",
        "18/11/2024",
        "20/11/2024",
        "25/11/2024",
    ]
    assert "Chi bộ xét, biểu quyết đề nghị kết nạp" in html
    assert "4/4 có mặt, 4 tán thành (cần 3) — Đạt" in html
    assert "Ghi nhận bởi bantochuc" in html
    # Names, not ids, for the people a step mentions.
    assert "Đảng Văn Cường, Đảng Văn Dũng" in html
    # The paper-form checklist for the stage reached (cell approved).
    checklist = re.findall(r'<li class="(received|missing)">.*?Mẫu (\S+)</strong>', html)
    assert checklist == [
        ("received", "CN-NTVĐ"),
        ("received", "1-KNĐ"),
        ("received", "2-KNĐ"),
        ("received", "3-KNĐ"),
        ("received", "5-KNĐ"),
        ("received", "6-KNĐ"),
    ]
    assert "Đơn xin vào Đảng" in html
    # Mentors: the current one.
    assert re.search(r"Đảng Văn Bình <span class=\"small muted\">— Giúp đỡ quần chúng", html)
    # The decision is overdue (60 working days after 25/11/2024): in red, with its finding.
    assert "Quá hạn" in html
    assert 'data-rule="DECIDE-60WD"' in html
    # Next actions the grassroots officer may record: the committee vote among them.
    buttons = re.findall(r'href="/phat-trien-dang-vien/ho-so/\d+/buoc/\?action=([\w.]+)"', html)
    assert actions.COMMITTEE_VOTE in buttons
    assert actions.DECISION not in buttons  # the deciding level only
    # The person's dossier is linked for someone who may read it.
    assert f'href="/nhan-su/{case.person_id}/"' in html


def test_case_page_hides_actions_the_user_may_not_record(client, world) -> None:
    case = _walk(world, _open(world), through=actions.CELL_VOTE)
    client.force_login(world.cast.viewer)
    html = unescape(client.get(reverse("pipeline:case-detail", args=[case.pk])).content.decode())
    assert "/buoc/?action=" not in html
    assert "Bạn không có quyền ghi nhận bước tiếp theo của hồ sơ này." in html
    assert "Lịch sử thay đổi" not in html


def test_case_page_findings_panel_lists_age_for_an_under_18_candidate(client, world) -> None:
    cast = world.cast
    minor = make_candidate(cast.cell_a, given_name="Nhi", birth_date=date(2009, 6, 1))
    case = _walk(world, _open(world, minor), through=actions.OPINIONS)
    assert case.stage == Stage.OPINIONS
    client.force_login(cast.cell_secretary)
    html = unescape(client.get(reverse("pipeline:case-detail", args=[case.pk])).content.decode())
    panel = re.search(r'<section class="card findings".*?</section>', html, re.S)[0]
    found = re.findall(r'<li class="finding finding-(\w+)" data-rule="([\w-]+)">', panel)
    assert found == [("info", "AGE-MIN")]
    assert "Chưa đủ 18 tuổi; chi bộ chỉ xét từ ngày 01/06/2027" in panel
    assert "Căn cứ: Quy định 294-QĐ/TW" in panel
    # The cell vote is still offered; recording it is what the rules block (tested below).
    assert f"?action={actions.CELL_VOTE}" in html


def test_case_history_page(client, world) -> None:
    case = _walk(world, _open(world), through=actions.COURSE)
    client.force_login(world.cast.cell_secretary)
    response = client.get(reverse("pipeline:case-history", args=[case.pk]))
    assert response.status_code == 200
    assert "Hoàn thành lớp bồi dưỡng nhận thức về Đảng" in response.content.decode()


# --- step form -------------------------------------------------------------------------------


def test_step_form_is_built_from_the_catalogue(client, world) -> None:
    case = _walk(world, _open(world), through=actions.OPINIONS)
    client.force_login(world.cast.cell_secretary)
    response = client.get(_step_url(case, actions.INTRODUCED))
    html = unescape(response.content.decode())
    assert response.status_code == 200
    labels = re.findall(r'<label for="id_(\w+)"', html)
    assert labels == [
        "occurred_on",
        "mode",
        "introducers",
        "resolution_number",
        "worked_together_months",
        "replacement",
        "note",
    ]
    assert f'name="version" value="{case.version}"' in html
    assert 'value="21/11/2026"' in html  # occurred_on defaults to today
    # Introducers: a multi-select of the cell's official members, in name order.
    select = re.search(r'<select name="introducers".*?</select>', html, re.S)[0]
    assert "multiple" in select
    assert re.findall(r"<option[^>]*>([^<]+)</option>", select) == [
        "Đảng Văn Bình",
        "Đảng Văn Cường",
        "Đảng Văn Dũng",
        "Đảng Văn Giang",
    ]
    assert "Hai đảng viên chính thức giới thiệu" in html
    assert "Mẫu 3-KNĐ" in html


@pytest.mark.parametrize(
    ("user", "action", "status"),
    [
        ("cell_secretary", actions.CELL_VOTE, 200),
        ("viewer", actions.CELL_VOTE, 404),
        ("outsider", actions.CELL_VOTE, 404),
        ("cell_secretary", actions.COMMITTEE_VOTE, 404),
        ("grassroots_officer", actions.COMMITTEE_VOTE, 200),
        ("grassroots_officer", actions.DECISION, 404),
        ("board_specialist", actions.DECISION, 200),
        ("board_specialist", "pipeline.unknown", 404),
        ("board_specialist", actions.OPEN, 404),
        ("board_specialist", "", 404),
    ],
)
def test_step_form_needs_the_steps_permission(client, world, user, action, status) -> None:
    case = _walk(world, _open(world), through=actions.OPINIONS)
    client.force_login(world.cast.users[user])
    before = _snapshot()
    assert client.get(_step_url(case, action)).status_code == status
    response = client.post(_step_url(case, action), _vote_data(case))
    assert response.status_code in ((200, 302) if status == 200 else (404,))
    if status == 404:
        assert _snapshot() == before


def test_step_preview_shows_the_findings_and_writes_nothing(client, world) -> None:
    cast = world.cast
    minor = make_candidate(cast.cell_a, given_name="Nhi", birth_date=date(2009, 6, 1))
    shift = timedelta(days=700)
    case = _walk(world, _open(world, minor, shift=shift), through=actions.OPINIONS, shift=shift)
    client.force_login(cast.cell_secretary)
    before = _snapshot()
    response = client.post(
        _step_url(case, actions.CELL_VOTE), _vote_data(case, occurred_on="26/10/2026", preview="1")
    )
    html = unescape(response.content.decode())
    assert response.status_code == 200
    assert _snapshot() == before
    assert "Kết quả kiểm tra trước khi lưu; chưa có gì được ghi." in html
    # Blocks first: the age at the meeting date, then the vote itself (which passes).
    found = re.findall(r'<li class="finding finding-(\w+)" data-rule="([\w-]+)">', html)
    assert found == [("block", "AGE-MIN"), ("info", "VOTE-CELL")]
    assert "Chưa đủ 18 tuổi tính theo tháng tại ngày chi bộ xét" in html
    assert "Chưa ghi được" not in html


def test_blocked_step_shows_the_rule_and_keeps_the_input(client, world) -> None:
    cast = world.cast
    minor = make_candidate(cast.cell_a, given_name="Nhi", birth_date=date(2009, 6, 1))
    shift = timedelta(days=700)
    case = _walk(world, _open(world, minor, shift=shift), through=actions.OPINIONS, shift=shift)
    client.force_login(cast.cell_secretary)
    before = _snapshot()
    response = client.post(
        _step_url(case, actions.CELL_VOTE),
        _vote_data(case, occurred_on="26/10/2026", resolution_number="22-NQ/CB"),
    )
    html = unescape(response.content.decode())
    assert response.status_code == 200
    assert _snapshot() == before
    message = re.search(r'<div class="form-errors" role="alert"><p>([^<]+)</p>', html)[1]
    assert message == (
        "Chưa ghi được: Chưa đủ 18 tuổi tính theo tháng tại ngày chi bộ xét; đủ 18 tuổi từ "
        "ngày 01/06/2027 (AGE-MIN, Quy định 294-QĐ/TW điểm 3.1)"
    )
    found = re.findall(r'<li class="finding finding-(\w+)" data-rule="([\w-]+)">', html)
    assert found == [("block", "AGE-MIN"), ("info", "VOTE-CELL")]
    block = re.search(
        r'<li class="finding finding-block" data-rule="AGE-MIN">.*?</li>', html, re.S
    )[0]
    assert "Quy định" in block
    assert 'value="22-NQ/CB"' in html
    assert 'value="26/10/2026"' in html


def test_cell_vote_appends_one_step_and_moves_the_stage(client, world) -> None:
    case = _walk(world, _open(world), through=actions.OPINIONS)
    steps_before = Step.objects.filter(case=case).count()
    client.force_login(world.cast.cell_secretary)
    response = client.post(_step_url(case, actions.CELL_VOTE), _vote_data(case))
    assert response.status_code == 302
    assert response["Location"] == reverse("pipeline:case-detail", args=[case.pk])
    step = Step.objects.get(case=case, seq=steps_before + 1)
    assert Step.objects.filter(case=case).count() == steps_before + 1
    assert step.action == actions.CELL_VOTE
    assert step.occurred_on == date(2024, 11, 25)
    assert step.data == {"eligible": 4, "present": 4, "agree": 4, "resolution_number": "15-NQ/CB"}
    assert step.documents == ["6-KNĐ"]
    assert step.recorded_by == world.cast.cell_secretary
    case.refresh_from_db()
    assert case.stage == Stage.CELL_APPROVED
    assert case.stage_since == date(2024, 11, 25)
    page = client.get(response["Location"])
    assert "Đã ghi nhận: Chi bộ xét, biểu quyết đề nghị kết nạp." in page.content.decode()


def test_step_date_in_iso_form_is_accepted(client, world) -> None:
    case = _walk(world, _open(world), through=actions.OPINIONS)
    client.force_login(world.cast.cell_secretary)
    response = client.post(
        _step_url(case, actions.CELL_VOTE), _vote_data(case, occurred_on="2024-11-25")
    )
    assert response.status_code == 302
    assert Step.objects.get(case=case, action=actions.CELL_VOTE).occurred_on == date(2024, 11, 25)


def test_stale_step_form_gets_a_clear_message(client, world) -> None:
    case = _walk(world, _open(world), through=actions.OPINIONS)
    client.force_login(world.cast.cell_secretary)
    before = _snapshot()
    response = client.post(
        _step_url(case, actions.CELL_VOTE), _vote_data(case, version=str(case.version - 1))
    )
    html = unescape(response.content.decode())
    assert response.status_code == 200
    assert _snapshot() == before
    assert "Bản ghi đã được người khác sửa và lưu trước bạn" in html


def test_step_form_errors_are_put_on_the_fields(client, world) -> None:
    case = _walk(world, _open(world), through=actions.OPINIONS)
    client.force_login(world.cast.cell_secretary)
    before = _snapshot()
    response = client.post(
        _step_url(case, actions.CELL_VOTE),
        _vote_data(case, present="", occurred_on="31/02/2024"),
    )
    html = unescape(response.content.decode())
    assert response.status_code == 200
    assert _snapshot() == before
    errors = re.findall(r'<ul class="errorlist" id="id_(\w+)_error" role="alert"><li>([^<]+)', html)
    assert errors == [
        ("occurred_on", "Ngày diễn ra phải viết theo dạng ngày/tháng/năm, ví dụ 17/05/2025."),
        ("present", "Số có mặt là bắt buộc."),
    ]


def test_step_mentor_must_be_chosen_among_official_members_of_the_cell(client, world) -> None:
    cast = world.cast
    case = _walk(world, _open(world), through=actions.COURSE)
    client.force_login(cast.cell_secretary)
    before = _snapshot()
    response = client.post(
        _step_url(case, actions.CANDIDATE_LISTED),
        {
            "occurred_on": "07/10/2024",
            "mentor": str(cast.person_a.pk),  # not a member
            "version": str(case.version),
        },
    )
    assert response.status_code == 200
    assert _snapshot() == before
    assert "lựa chọn không có trong danh sách" in unescape(response.content.decode())


# --- Việc cần làm ----------------------------------------------------------------------------


def _vote_day_with_decision_due_in(days_from: int, days_to: int) -> date:
    """Return a cell-vote day whose 60-working-day decision deadline falls in the window."""
    calendar = load_calendar(TODAY.year - 1, TODAY.year + 1)
    day = TODAY
    while True:
        due = calendar.add_working_days(day, 60)
        if due < TODAY + timedelta(days=days_from):
            raise AssertionError("no such day")
        if due <= TODAY + timedelta(days=days_to) and calendar.is_working_day(day):
            return day
        day -= timedelta(days=1)


def test_todo_groups_what_is_due_by_urgency(client, world) -> None:
    cast = world.cast
    overdue = _walk(world, _open(world), through=actions.CELL_VOTE)
    week_vote = _vote_day_with_decision_due_in(1, 7)
    week_person = make_candidate(cast.cell_a, given_name="Tuần")
    shift = week_vote - date(2024, 11, 25)
    week = _walk(
        world, _open(world, week_person, shift=shift), through=actions.CELL_VOTE, shift=shift
    )
    month_vote = _vote_day_with_decision_due_in(12, 30)
    month_person = make_candidate(cast.cell_a, given_name="Tháng")
    shift = month_vote - date(2024, 11, 25)
    month = _walk(
        world, _open(world, month_person, shift=shift), through=actions.CELL_VOTE, shift=shift
    )
    assert month.next_due_on is not None
    _open(world, make_candidate(cast.cell_a, given_name="Mới"))  # nothing due yet
    client.force_login(cast.grassroots_officer)
    response = client.get(reverse("pipeline:todo"))
    html = unescape(response.content.decode())
    groups = {
        key: re.findall(r'<td><a href="/phat-trien-dang-vien/ho-so/\d+/">([^<]+)</a></td>', body)
        for key, body in re.findall(
            r'<section class="card todo-group todo-(\w+)".*?>(.*?)</section>', html, re.S
        )
    }
    assert groups == {
        "overdue": ["Võ Thị Lan"],
        "week": ["Hoàng Thị Tuần"],
        "month": ["Hoàng Thị Tháng"],
    }
    assert week.next_due_on is not None
    assert overdue.next_due_on is not None
    assert "Quyết định kết nạp trong 60 ngày làm việc (thêm 30 nếu gia hạn)" in html
    assert f"còn {(week.next_due_on - TODAY).days} ngày" in html
    assert f"còn {(month.next_due_on - TODAY).days} ngày" in html
    assert f"quá {(TODAY - overdue.next_due_on).days} ngày" in html
    # The outsider's scope holds none of them.
    client.force_login(cast.outsider)
    html = unescape(client.get(reverse("pipeline:todo")).content.decode())
    assert html.count('<p class="muted">Không có.</p>') == 3


def test_todo_outside_any_grant_is_404(client, world) -> None:
    client.force_login(world.cast.nobody)
    assert client.get(reverse("pipeline:todo")).status_code == 404


def test_todo_query_count_does_not_grow_with_rows(client, world, django_assert_num_queries) -> None:
    cast = world.cast
    _walk(world, _open(world), through=actions.CELL_VOTE)
    client.force_login(cast.board_specialist)
    # session, user, grants, due cases (with person and cell), due transfers (one query,
    # members.transfer_selectors: the page lists transfer due dates too), the session save (3)
    with django_assert_num_queries(8):
        client.get(reverse("pipeline:todo"))
    _walk(
        world,
        _open(world, make_candidate(cast.cell_a, given_name="Hai")),
        through=actions.CELL_VOTE,
    )
    with django_assert_num_queries(5):  # the session, saved by the first page, not again (3 fewer)
        response = client.get(reverse("pipeline:todo"))
    assert response.content.decode().count('due-overdue">') == 4  # date and days, 2 rows


# --- the pool -------------------------------------------------------------------------------


def _pool_entry(world: Any, person: Any, **kw: Any) -> PoolEntry:
    return add_to_pool(
        cell=world.cast.cell_a,
        person=person,
        source=kw.get("source", "youth_union"),
        listed_on=kw.get("listed_on", date(2026, 10, 1)),
        proposed_by=kw.get("proposed_by", "Chi đoàn giáo viên"),
        notes="",
        actor=world.cast.cell_secretary,
        today=TODAY,
    )


@pytest.mark.parametrize("user", ALL_USERS)
def test_pool_is_reachable_in_scope_only(client, world, user) -> None:
    _pool_entry(world, world.candidate)
    client.force_login(world.cast.users[user])
    response = client.get(reverse("pipeline:pool"), {"cell": world.cast.cell_a.pk})
    assert response.status_code == (200 if user in READ_CELL_A else 404)
    if user in READ_CELL_A:
        assert "Võ Thị Lan" in response.content.decode()


def test_pool_lists_active_entries_and_dropped_on_request(client, world) -> None:
    cast = world.cast
    kept = _pool_entry(world, world.candidate)
    dropped_person = make_candidate(cast.cell_a, given_name="Đào")
    dropped = _pool_entry(world, dropped_person, source="student")
    from ptdv.pipeline.services import review_pool

    review_pool(
        cell=cast.cell_a,
        month=date(2026, 11, 1),
        decisions={kept.pk: (True, ""), dropped.pk: (False, "Chuyển đi nơi khác")},
        actor=cast.cell_secretary,
        today=TODAY,
    )
    client.force_login(cast.cell_secretary)
    url = reverse("pipeline:pool")
    html = unescape(client.get(url, {"cell": cast.cell_a.pk}).content.decode())
    assert "Võ Thị Lan" in html
    assert "Hoàng Thị Đào" not in html
    assert "21/11/2026" in html  # last review
    assert "Chi đoàn giáo viên" in html
    html = unescape(client.get(url, {"cell": cast.cell_a.pk, "dropped": "1"}).content.decode())
    assert "Hoàng Thị Đào" in html
    assert "Chuyển đi nơi khác" in html


def test_pool_add_finds_people_and_adds_one(client, world) -> None:
    cast = world.cast
    client.force_login(cast.cell_secretary)
    url = reverse("pipeline:pool-add") + f"?cell={cast.cell_a.pk}"
    response = client.get(url, {"q": "lan"}, headers={"HX-Request": "true"})
    html = unescape(response.content.decode())
    assert html.lstrip().startswith('<fieldset id="candidates">')
    assert "Võ Thị Lan" in html
    # Members are not candidates for the pool.
    assert "Đảng Văn Bình" not in unescape(client.get(url, {"q": "binh"}).content.decode())
    response = client.post(
        url,
        {
            "person": str(world.candidate.pk),
            "source": "trade_union",
            "proposed_by": "Công đoàn trường",
            "listed_on": "20/11/2026",
            "notes": "Giáo viên dạy giỏi",
        },
    )
    assert response.status_code == 302
    entry = PoolEntry.objects.get()
    assert (entry.cell, entry.person, entry.source, entry.listed_on, entry.proposed_by) == (
        cast.cell_a,
        world.candidate,
        "trade_union",
        date(2026, 11, 20),
        "Công đoàn trường",
    )


def test_pool_add_refuses_a_person_outside_scope(client, world) -> None:
    cast = world.cast
    client.force_login(cast.cell_secretary)
    response = client.post(
        reverse("pipeline:pool-add") + f"?cell={cast.cell_a.pk}",
        {"person": str(cast.person_other.pk), "source": "other", "listed_on": "20/11/2026"},
    )
    assert response.status_code == 200
    assert PoolEntry.objects.count() == 0
    assert "lựa chọn không có trong danh sách" in unescape(response.content.decode())


@pytest.mark.parametrize("user", ["viewer", "outsider", "nobody"])
def test_pool_writes_outside_permission_are_404(client, world, user) -> None:
    cast = world.cast
    entry = _pool_entry(world, world.candidate)
    client.force_login(cast.users[user])
    before = _snapshot()
    add = client.post(
        reverse("pipeline:pool-add") + f"?cell={cast.cell_a.pk}",
        {"person": str(cast.person_a.pk), "source": "other", "listed_on": "20/11/2026"},
    )
    review = client.post(
        reverse("pipeline:pool-review") + f"?cell={cast.cell_a.pk}",
        {"month": "11/2026", f"keep_{entry.pk}": "0", f"reason_{entry.pk}": "x"},
    )
    opened = client.post(reverse("pipeline:case-open"), {"pool_entry": str(entry.pk)})
    assert (add.status_code, review.status_code, opened.status_code) == (404, 404, 404)
    assert _snapshot() == before
    assert PoolReview.objects.count() == 0


def test_pool_review_keeps_and_drops(client, world) -> None:
    cast = world.cast
    kept = _pool_entry(world, world.candidate)
    dropped = _pool_entry(world, make_candidate(cast.cell_a, given_name="Đào"))
    client.force_login(cast.cell_secretary)
    url = reverse("pipeline:pool-review") + f"?cell={cast.cell_a.pk}"
    html = unescape(client.get(url).content.decode())
    assert 'value="11/2026"' in html
    # A drop without a reason is refused, on that row.
    response = client.post(
        url,
        {"month": "11/2026", f"keep_{kept.pk}": "1", f"keep_{dropped.pk}": "0"},
    )
    assert response.status_code == 200
    assert PoolReview.objects.count() == 0
    assert "Cần ghi lý do đưa Hoàng Thị Đào ra khỏi danh sách." in unescape(
        response.content.decode()
    )
    response = client.post(
        url,
        {
            "month": "11/2026",
            f"keep_{kept.pk}": "1",
            f"keep_{dropped.pk}": "0",
            f"reason_{dropped.pk}": "Không còn phấn đấu",
        },
    )
    assert response.status_code == 302
    review = PoolReview.objects.get()
    assert review.month == date(2026, 11, 1)
    assert sorted(review.items.values_list("entry_id", "keep", "reason")) == sorted(
        [(kept.pk, True, ""), (dropped.pk, False, "Không còn phấn đấu")]
    )
    dropped.refresh_from_db()
    assert (dropped.status, dropped.drop_reason) == ("dropped", "Không còn phấn đấu")


def test_case_open_from_a_pool_entry(client, world) -> None:
    entry = _pool_entry(world, world.candidate, source="women_union")
    client.force_login(world.cast.cell_secretary)
    response = client.post(reverse("pipeline:case-open"), {"pool_entry": str(entry.pk)})
    case = Case.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("pipeline:case-detail", args=[case.pk])
    assert (case.person, case.cell, case.source, case.pool_entry, case.opened_on) == (
        world.candidate,
        world.cast.cell_a,
        "women_union",
        entry,
        TODAY,
    )
    entry.refresh_from_db()
    assert entry.status == "in_case"
    # Opening a second case for the same person is refused with the service's message.
    again = client.post(
        reverse("pipeline:case-open"),
        {"person": str(world.candidate.pk), "cell": str(world.cast.cell_a.pk), "source": "other"},
        follow=True,
    )
    assert Case.objects.count() == 1
    assert "đang có một hồ sơ phát triển đảng viên chưa kết thúc" in unescape(
        again.content.decode()
    )


def test_case_open_for_a_person(client, world) -> None:
    cast = world.cast
    person = make_person(cast.cell_a, given_name="Khoa")
    client.force_login(cast.cell_secretary)
    response = client.post(
        reverse("pipeline:case-open"),
        {"person": str(person.pk), "cell": str(cast.cell_a.pk), "source": "militia"},
    )
    case = Case.objects.get(person=person)
    assert response.status_code == 302
    assert (case.cell, case.source, case.stage) == (cast.cell_a, "militia", Stage.SOURCE)


def test_the_decision_form_offers_the_committee_the_tree_names(client, cast):
    from ptdv.pipeline import actions as A
    from tests.pipeline.factories import make_candidate, make_cell_members, open_test_case
    from tests.pipeline.factories import walk_case_to as walk

    members = make_cell_members(cast.cell_a)
    case = open_test_case(make_candidate(cast.cell_a), cast.cell_a, actor=cast.board_specialist)
    walk(case, stop_before=A.DECISION, members=members, authority=cast.commune,
         actor=cast.board_specialist)  # fmt: skip
    client.force_login(cast.board_specialist)
    response = client.get(
        reverse("pipeline:case-step", kwargs={"case_id": case.pk}) + f"?action={A.DECISION}"
    )
    assert response.status_code == 200
    selected = response.context["form"]["authority"].value()
    assert int(selected) == cast.commune.pk
