"""End-to-end: a unit is picked by typing part of its name without diacritics (decision D23).

Two units share the name "Chi bộ Khu phố 2"; the people page's unit picker tells them apart
by their parent, finds the right one from "khu pho 2 dong thanh", and the list follows the
choice, by mouse and by keyboard. Screenshots at 1366 px and on a 375 px phone go to
test-artifacts/.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from ptdv.orgs.models import OrgKind
from tests.e2e.conftest import ARTIFACTS, login, new_context
from tests.factories import make_org, make_person

pytestmark = pytest.mark.e2e

DONG_THANH_KP2 = "Chi bộ Khu phố 2 — Đảng bộ phường Đông Thanh"


def test_people_filter_picks_a_unit_typed_without_diacritics(
    live_server, cast, browser: Browser
) -> None:
    dong_thanh = make_org(cast.province, OrgKind.COMMUNE, "Đảng bộ phường Đông Thanh", code="PDT")
    kp2_dh = make_org(cast.commune, OrgKind.GRASSROOTS_CELL, "Chi bộ Khu phố 2", code="DH-KP2")
    kp2_dt = make_org(dong_thanh, OrgKind.GRASSROOTS_CELL, "Chi bộ Khu phố 2", code="DT-KP2")
    make_person(kp2_dh, family_name="Đỗ", middle_name="Văn", given_name="Hà")
    make_person(kp2_dt, family_name="Đỗ", middle_name="Văn", given_name="Thanh")
    ARTIFACTS.mkdir(exist_ok=True)
    context = new_context(browser, viewport={"width": 1366, "height": 900}, locale="vi-VN")
    page = context.new_page()
    errors: list[str] = []  # CSP violations are reported here too
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    base = live_server.url
    login(page, base, cast.board_specialist.username)

    page.goto(f"{base}/nhan-su/")
    expect(page.get_by_role("link", name="Đỗ Văn Hà")).to_be_visible()
    box = page.locator("#id_org")
    box.fill("khu pho 2 dong thanh")
    choice = page.get_by_label(DONG_THANH_KP2)
    expect(choice).to_be_visible()
    # Its namesake under Đông Hà is not among the matches.
    results = page.locator("#id_org_results")
    expect(results.get_by_text("Chi bộ Khu phố 2 — Đảng bộ phường Đông Hà")).to_have_count(0)
    page.screenshot(path=str(ARTIFACTS / "picker-people-1366.png"), full_page=True)
    choice.check()
    expect(page.get_by_role("link", name="Đỗ Văn Thanh")).to_be_visible()
    expect(page.get_by_role("link", name="Đỗ Văn Hà")).to_have_count(0)
    expect(page.locator("#results").get_by_text(DONG_THANH_KP2)).to_be_visible()

    # The keyboard: type, Enter searches (the form is not submitted), the down arrow goes
    # to the list and the next arrow picks the first match.
    box.fill("")
    box.press_sequentially("khu pho 2 dong ha", delay=10)
    box.press("Enter")
    expect(page.get_by_label("Chi bộ Khu phố 2 — Đảng bộ phường Đông Hà")).to_be_visible()
    # The list: "all units", the checked Đông Thanh cell (focused first), the Đông Hà one.
    box.press("ArrowDown")
    expect(page.get_by_label(DONG_THANH_KP2)).to_be_focused()
    page.keyboard.press("ArrowDown")
    expect(page.get_by_label("Chi bộ Khu phố 2 — Đảng bộ phường Đông Hà")).to_be_checked()
    expect(page.get_by_role("link", name="Đỗ Văn Hà")).to_be_visible()
    expect(page.get_by_role("link", name="Đỗ Văn Thanh")).to_have_count(0)
    assert "/to-chuc/chon/" not in page.url  # the search never becomes the page's address

    # The pool page swaps its whole content: the picker's own answer must not be cut by it.
    page.goto(f"{base}/phat-trien-dang-vien/nguon/?cell={cast.cell_a.pk}")
    page.locator("#id_cell").fill("van su")
    page.get_by_label("Chi bộ Tổ Văn – Sử — Đảng bộ Trường THPT Đông Hà").check()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Quần chúng ưu tú: Chi bộ Tổ Văn – Sử — Đảng bộ Trường THPT Đông Hà"
    )

    phone = new_context(browser, viewport={"width": 375, "height": 812}, is_mobile=True)
    phone.add_cookies(context.cookies())
    mobile = phone.new_page()
    mobile.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    mobile.goto(f"{base}/nhan-su/?org_q=khu+pho+2")
    expect(mobile.get_by_label(DONG_THANH_KP2)).to_be_visible()
    width = mobile.evaluate("document.documentElement.scrollWidth")
    mobile.screenshot(path=str(ARTIFACTS / "picker-people-375.png"), full_page=True)
    mobile.goto(f"{base}/phat-trien-dang-vien/?org={cast.grassroots.pk}")
    mobile.screenshot(path=str(ARTIFACTS / "picker-board-375.png"), full_page=True)
    board_width = mobile.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"the people page overflows a 375 px phone: {width}px"
    assert board_width <= 375, f"the board overflows a 375 px phone: {board_width}px"
    assert errors == [], errors
    phone.close()
    context.close()
