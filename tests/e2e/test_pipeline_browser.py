"""End-to-end: a cell secretary walks a case from the board through the cell vote.

The case is prepared through the services up to the collected opinions; in headless Chromium
the secretary opens the board, the case, the vote form, checks impossible numbers (the findings
panel blocks them), checks and saves a passing vote, and sees the case move on.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from ptdv.pipeline import actions
from ptdv.pipeline.models import Case, Stage, Step
from tests.e2e.conftest import ARTIFACTS, login, new_context
from tests.pipeline.factories import (
    make_candidate,
    make_cell_members,
    open_test_case,
    walk_case_to,
)

pytestmark = pytest.mark.e2e


@pytest.fixture
def case_before_vote(cast) -> Case:
    members = make_cell_members(cast.cell_a)
    person = make_candidate(cast.cell_a, family_name="Võ", middle_name="Thị", given_name="Mai")
    case = open_test_case(person, cast.cell_a, actor=cast.board_specialist)
    return walk_case_to(
        case,
        members=members,
        authority=cast.commune,
        actor=cast.board_specialist,
        stop_before=actions.CELL_VOTE,
    )


def test_secretary_records_the_cell_vote_from_the_board(
    live_server, cast, case_before_vote: Case, browser: Browser
) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    case = Case.objects.get(pk=case_before_vote.pk)
    assert case.stage == Stage.OPINIONS
    steps_before = Step.objects.filter(case=case).count()
    context = new_context(browser, viewport={"width": 1366, "height": 900}, locale="vi-VN")
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    base = live_server.url

    login(page, base, cast.cell_secretary.username)
    page.get_by_role("link", name="Phát triển đảng viên").first.click()
    board = page.locator(".board-card", has=page.get_by_role("link", name="Võ Thị Mai"))
    expect(board).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "pipeline-board-1366.png"), full_page=True)
    board.get_by_role("link", name="Võ Thị Mai").click()
    expect(page.get_by_role("heading", name="Võ Thị Mai")).to_be_visible()

    page.get_by_role("link", name="Chi bộ xét, biểu quyết đề nghị kết nạp").click()
    page.get_by_label("Ngày diễn ra").fill("25/11/2024")
    page.get_by_label("Số đảng viên chính thức / ủy viên có quyền biểu quyết").fill("4")
    page.get_by_label("Số có mặt").fill("4")
    page.get_by_label("Số tán thành").fill("5")  # more than present: impossible
    page.get_by_role("button", name="Kiểm tra").click()
    panel = page.locator("#findings")
    expect(panel.locator(".finding-block[data-rule='VOTE-NUMBERS']")).to_be_visible()
    assert Step.objects.filter(case=case).count() == steps_before  # a preview writes nothing

    page.get_by_label("Số tán thành").fill("4")
    page.get_by_role("button", name="Kiểm tra").click()
    expect(panel.locator("[data-rule='VOTE-CELL']")).to_contain_text("Đạt")
    expect(panel.locator(".finding-block")).to_have_count(0)
    page.screenshot(path=str(ARTIFACTS / "pipeline-vote-preview-1366.png"), full_page=True)
    page.get_by_role("button", name="Lưu").click()

    expect(page.get_by_role("heading", name="Võ Thị Mai")).to_be_visible()
    expect(page.get_by_text("Chi bộ đề nghị kết nạp").first).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "pipeline-case-1366.png"), full_page=True)
    case.refresh_from_db()
    assert case.stage == Stage.CELL_APPROVED
    step = Step.objects.filter(case=case).latest("seq")
    assert (step.action, step.data["eligible"], step.data["agree"]) == (actions.CELL_VOTE, 4, 4)
    assert step.recorded_by == cast.cell_secretary
    assert errors == []
    context.close()


def test_specialist_walks_the_rest_of_the_path_to_official_member(
    live_server, cast, case_before_vote: Case, browser: Browser
) -> None:
    """From the cell vote to the recognition decision, every step through its browser form;
    the case ends as an official member with the three dates of DOMAIN §4."""
    from datetime import date

    from tests.pipeline.factories import CellMembers, path_steps

    case = Case.objects.get(pk=case_before_vote.pk)
    members = CellMembers(
        *(m.member for m in case.mentors.order_by("pk")[:1]),  # the candidate's mentor
        *list(
            case.cell.people.filter(memberships__status="official").exclude(
                pk__in=case.mentors.values("member")
            )[:3]
        ),
    )
    page = new_context(browser, viewport={"width": 1366, "height": 900}).new_page()
    base = live_server.url
    login(page, base, cast.board_specialist.username)
    remaining = [
        (action, day, data)
        for _stage, action, day, data in path_steps(
            members, authority=cast.commune, eligible=members.count
        )
        if not Step.objects.filter(case=case, action=action).exists()
    ]
    assert remaining[0][0] == actions.CELL_VOTE
    for action, day, data in remaining:
        page.goto(f"{base}/phat-trien-dang-vien/ho-so/{case.pk}/buoc/?action={action}")
        page.locator("#id_occurred_on").fill(day.strftime("%d/%m/%Y"))
        for name, value in data.items():
            field = page.locator(f"#id_{name}")
            tag = field.evaluate("e => e.tagName + ':' + (e.type || '')")
            if tag.startswith("SELECT"):
                field.select_option(
                    [str(v) for v in value] if isinstance(value, list) else str(value)
                )
            elif tag == "INPUT:checkbox":
                field.set_checked(bool(value))
            elif isinstance(value, str) and len(value) == 10 and value[4] == "-":
                field.fill(date.fromisoformat(value).strftime("%d/%m/%Y"))
            else:
                field.fill(str(value))
        page.get_by_role("button", name="Lưu").click()
        expect(page.locator(".msg-success")).to_contain_text("Đã ghi nhận")

    case.refresh_from_db()
    assert case.stage == Stage.OFFICIAL
    assert (case.decision_on, case.ceremony_on, case.official_on) == (
        date(2025, 1, 10),
        date(2025, 2, 10),
        date(2026, 2, 10),  # ceremony + 12 months, although recognised on 10/04/2026
    )
    assert case.recognition_decision_on == date(2026, 4, 10)
    assert case.membership.status == "official"
    expect(page.get_by_text("10/02/2026").first).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "pipeline-official-1366.png"), full_page=True)
    page.context.close()
