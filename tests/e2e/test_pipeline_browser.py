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
from tests.e2e.conftest import ARTIFACTS, login
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
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="vi-VN")
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
