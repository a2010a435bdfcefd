"""End-to-end: headless Chromium (Debian package) driven by Playwright for Python.

Logs in, opens the organisation tree, expands a unit, opens a person's dossier and saves
screenshots (office screen and a 375 px phone) to test-artifacts/.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from tests.e2e.conftest import ARTIFACTS, login, new_context

pytestmark = pytest.mark.e2e


def test_specialist_browses_tree_and_opens_a_person(live_server, cast, browser: Browser) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    context = new_context(browser, viewport={"width": 1366, "height": 900}, locale="vi-VN")
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    base = live_server.url

    login(page, base, cast.board_specialist.username)
    page.get_by_role("navigation", name="Điều hướng chính").get_by_role(
        "link", name="Tổ chức đảng"
    ).click()
    tree = page.locator(".tree").first
    expect(tree.get_by_role("link", name="Tỉnh ủy Quảng Trị")).to_be_visible()
    # htmx wires the toggles once the page has loaded; a click before that follows the plain link.
    page.wait_for_load_state()
    # Expand lazily down to the school's party organisation.
    for name in ("Tỉnh ủy Quảng Trị", "Đảng bộ phường Đông Hà"):
        tree.locator(".node", has=page.get_by_role("link", name=name, exact=True)).get_by_role(
            "button"
        ).first.click()
    expect(tree.get_by_role("link", name="Đảng bộ Trường THPT Đông Hà")).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "tree-1366.png"), full_page=True)

    tree.get_by_role("link", name="Đảng bộ Trường THPT Đông Hà").click()
    expect(page.get_by_role("heading", name="Đảng bộ Trường THPT Đông Hà")).to_be_visible()

    page.goto(f"{base}/nhan-su/?q=le+thi+hong")
    page.get_by_role("link", name="Lê Thị Hồng").click()
    expect(page.get_by_role("heading", name="Lê Thị Hồng")).to_be_visible()
    expect(page.get_by_text("045195000123")).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "person-1366.png"), full_page=True)

    phone = new_context(browser, viewport={"width": 375, "height": 812}, is_mobile=True)
    phone.add_cookies(context.cookies())
    mobile = phone.new_page()
    mobile.goto(page.url)
    expect(mobile.get_by_role("heading", name="Lê Thị Hồng")).to_be_visible()
    width = mobile.evaluate("document.documentElement.scrollWidth")
    mobile.screenshot(path=str(ARTIFACTS / "person-375.png"), full_page=True)
    assert width <= 375, f"page overflows a 375 px phone: {width}px wide"
    assert errors == [], errors
    phone.close()
    context.close()


def test_cell_secretary_sees_only_their_cell(live_server, cast, browser: Browser) -> None:
    context = new_context(browser, viewport={"width": 1366, "height": 900})
    page = context.new_page()
    login(page, live_server.url, cast.cell_secretary.username)
    page.goto(f"{live_server.url}/to-chuc/")
    tree = page.locator(".tree").first
    expect(tree.get_by_role("link", name="Chi bộ Tổ Toán – Tin")).to_be_visible()
    expect(page.get_by_text("Tỉnh ủy Quảng Trị")).to_have_count(0)
    response = page.goto(f"{live_server.url}/to-chuc/{cast.grassroots.pk}/")
    assert response is not None
    assert response.status == 404
    context.close()
