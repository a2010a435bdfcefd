"""End-to-end: a case opened with a past date is walked, in the past, up to the cell vote.

A cell secretary picks her cell on the pool page by typing "khu pho" (no diacritics), opens a
case for a pool entry with an opening date eight months back, and records every step up to the
cell vote through its browser form with past dates; the grassroots officer certifies the lý
lịch in between (a committee step the secretary may not record). No step may be blocked by the
date order (the defect: the opening used to take today's date). After the vote the case page
says whom the case waits for and offers no step the secretary cannot record.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import unquote

import pytest
from playwright.sync_api import Browser, Page, expect

from ptdv.access.models import Role
from ptdv.access.services import grant_role
from ptdv.orgs.models import OrgKind
from ptdv.pipeline import actions
from ptdv.pipeline.models import Case, Stage, Step
from ptdv.pipeline.services import add_to_pool
from tests.e2e.conftest import ARTIFACTS, login, new_context
from tests.factories import TODAY, make_org, system_user
from tests.pipeline.factories import make_candidate, make_cell_members

pytestmark = pytest.mark.e2e

KP3 = "Chi bộ Khu phố 3 — Đảng bộ Trường THPT Đông Hà"
OPENED_ON = date(2026, 3, 23)  # a Monday, eight months before TODAY (21/11/2026)


@pytest.fixture(autouse=True)
def pinned_today(monkeypatch: pytest.MonkeyPatch) -> None:
    # The live server runs in this process: the pages see the same "today" as the factories.
    monkeypatch.setattr("ptdv.pipeline.views._today", lambda: TODAY)


def _d(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def _fill_step(page: Page, day: date, data: dict[str, Any]) -> None:
    """Fill a step form's date and fields (as test_pipeline_browser does) and save it."""
    page.locator("#id_occurred_on").fill(_d(day))
    for name, value in data.items():
        field = page.locator(f"#id_{name}")
        tag = field.evaluate("e => e.tagName + ':' + (e.type || '')")
        if tag.startswith("SELECT"):
            field.select_option([str(v) for v in value] if isinstance(value, list) else str(value))
        elif tag == "INPUT:checkbox":
            field.set_checked(bool(value))
        elif isinstance(value, date):
            field.fill(_d(value))
        else:
            field.fill(str(value))
    page.get_by_role("button", name="Lưu").click()
    # Saved: back on the case page. Blocked: the step form says why ("Chưa ghi được: …").
    expect(page.locator(".msg-success, .form-errors, .errorlist").first).to_be_visible()
    problems = page.locator(".form-errors, .errorlist").all_inner_texts()
    assert not problems, f"step of {_d(day)} not saved: {problems}"
    expect(page.locator(".msg-success")).to_contain_text("Đã ghi nhận")


def test_backdated_case_walks_to_the_cell_vote_and_waits_for_the_committee(
    live_server, cast, browser: Browser
) -> None:
    kp3 = make_org(cast.grassroots, OrgKind.CELL, "Chi bộ Khu phố 3", code="THPTDH-KP3")
    # The secretary of Tổ Toán – Tin also runs Khu phố 3: the picker offers both cells.
    grant_role(user=cast.cell_secretary, role=Role.CELL_EDITOR, org=kp3, actor=None)
    members = make_cell_members(kp3)
    person = make_candidate(kp3, family_name="Đặng", middle_name="Thu", given_name="Hà")
    add_to_pool(
        cell=kp3,
        person=person,
        source="youth_union",
        listed_on=date(2026, 1, 12),
        proposed_by="Chi đoàn khu phố 3",
        notes="",
        actor=system_user(),
        today=TODAY,
    )
    ARTIFACTS.mkdir(exist_ok=True)
    context = new_context(browser, viewport={"width": 1366, "height": 900}, locale="vi-VN")
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    base = live_server.url
    login(page, base, cast.cell_secretary.username)

    # 1. The pool page; the cell is found by typing without diacritics.
    page.goto(f"{base}/phat-trien-dang-vien/nguon/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Quần chúng ưu tú")
    page.locator("#id_cell").fill("khu pho")
    choice = page.get_by_label(KP3)
    expect(choice).to_be_visible()
    choice.check()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Quần chúng ưu tú: {KP3}")
    row = page.get_by_role("row", name="Đặng Thu Hà")
    expect(row).to_be_visible()

    # 2. Open the case with a past date.
    row.get_by_role("link", name="Lập hồ sơ").click()
    expect(page.get_by_role("heading", name="Lập hồ sơ phát triển đảng viên")).to_be_visible()
    page.locator("#id_opened_on").fill(_d(OPENED_ON))
    page.get_by_role("button", name="Lập hồ sơ").click()
    expect(page.get_by_role("heading", name="Đặng Thu Hà")).to_be_visible()
    opened = page.locator("dl.facts dt", has_text="Lập hồ sơ ngày").locator("+ dd")
    expect(opened).to_have_text(_d(OPENED_ON))
    case = Case.objects.get(person=person)
    assert case.opened_on == OPENED_ON
    case_url = page.url

    # 3. Every step up to the cell vote, each from the case page's "next steps" link.
    secretary_steps: list[tuple[str, date, dict[str, Any]]] = [
        (
            actions.COURSE,
            date(2026, 4, 3),
            {
                "certificate_number": "NT-0326",
                "issued_on": date(2026, 4, 3),
                "issuer": "Trung tâm Chính trị thành phố Đông Hà",
            },
        ),
        (
            actions.CANDIDATE_LISTED,
            date(2026, 4, 20),
            {"resolution_number": "04-NQ/CB", "mentor": members.mentor.pk},
        ),
        (actions.APPLICATION, date(2026, 5, 4), {}),
        (actions.HISTORY, date(2026, 5, 5), {}),
        (actions.VERIFY_REQUESTED, date(2026, 5, 6), {"places": "UBND phường Đông Lương"}),
    ]
    later_steps: list[tuple[str, date, dict[str, Any]]] = [
        (
            actions.INTRODUCED,
            date(2026, 6, 8),
            {
                "mode": "two_members",
                "introducers": [members.introducer_1.pk, members.introducer_2.pk],
                "worked_together_months": 24,
            },
        ),
        (
            actions.OPINIONS,
            date(2026, 6, 10),
            {
                "organisations": "Chi đoàn khu phố, Hội phụ nữ",
                "residence_cell": "Chi bộ Khu phố 3",
                "favourable": True,
            },
        ),
        (
            actions.CELL_VOTE,
            date(2026, 6, 15),
            {"eligible": 4, "present": 4, "agree": 4, "resolution_number": "07-NQ/CB"},
        ),
    ]
    next_steps = page.locator("ul.next-actions")
    for action, day, data in secretary_steps:
        next_steps.get_by_role("link", name=str(actions.ACTIONS[action].label)).click()
        _fill_step(page, day, data)

    # The lý lịch is certified by the grassroots committee: the secretary only sees whom the
    # case waits for; the grassroots officer records it in his own browser.
    expect(page.locator("ul.waiting")).to_contain_text(
        "Chờ Đảng ủy Trường THPT Đông Hà thẩm tra, chứng nhận lý lịch"
    )
    officer_context = new_context(browser, viewport={"width": 1366, "height": 900})
    officer = officer_context.new_page()
    officer.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    login(officer, base, cast.grassroots_officer.username)
    officer.goto(case_url)
    officer.locator("ul.next-actions").get_by_role(
        "link", name=str(actions.ACTIONS[actions.VERIFIED].label)
    ).click()
    _fill_step(
        officer,
        date(2026, 6, 5),
        {
            "relatives_verified": "Cha, mẹ",
            "conclusion": "Đủ tiêu chuẩn",
            "certified_by": "Đảng ủy Trường THPT Đông Hà",
            "satisfactory": True,
        },
    )
    officer_context.close()

    page.goto(case_url)
    for action, day, data in later_steps:
        next_steps.get_by_role("link", name=str(actions.ACTIONS[action].label)).click()
        _fill_step(page, day, data)

    # 4. The case now waits for the grassroots committee's vote, which she may not record.
    expect(page.get_by_role("heading", name="Đặng Thu Hà")).to_be_visible()
    waiting = page.locator("ul.waiting li", has_text="Chờ")
    expect(waiting.first).to_have_text(
        "Chờ Đảng ủy Trường THPT Đông Hà biểu quyết"
        f" — {actions.ACTIONS[actions.COMMITTEE_VOTE].label}"
    )
    offered = [
        unquote((link.get_attribute("href") or "").partition("action=")[2])
        for link in page.locator("ul.next-actions a").all()
    ]
    # Only the cell's own steps are offered (an exit, a mentor's report …), never another level's.
    assert all(actions.ACTIONS[code].permission == "record" for code in offered), offered
    assert page.locator(f"a[href*='{actions.COMMITTEE_VOTE}']").count() == 0
    page.screenshot(path=str(ARTIFACTS / "pipeline-backdated-case-1366.png"), full_page=True)

    case.refresh_from_db()
    assert case.stage == Stage.CELL_APPROVED
    assert case.opened_on == OPENED_ON
    vote = Step.objects.get(case=case, action=actions.CELL_VOTE)
    assert (vote.occurred_on, vote.recorded_by) == (date(2026, 6, 15), cast.cell_secretary)
    recorded = list(Step.objects.filter(case=case).order_by("seq").values_list("action", flat=True))
    assert recorded == [
        actions.OPEN,
        *(a for a, _d_, _x in secretary_steps),
        actions.VERIFIED,
        *(a for a, _d_, _x in later_steps),
    ]
    assert errors == [], errors
    context.close()
