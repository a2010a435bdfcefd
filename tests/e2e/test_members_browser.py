"""End-to-end: a grassroots officer finds a member on the roll, records an exemption, corrects
its date, and reads the timeline; the roll and the member page fit a 375 px phone."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import Browser, expect

from ptdv.members import services as registry
from ptdv.members.models import EventKind, MemberEvent, Membership
from tests.e2e.conftest import ARTIFACTS, login, new_context
from tests.factories import TODAY, make_person, system_user

pytestmark = pytest.mark.e2e


@pytest.fixture
def members(cast) -> Membership:
    """Lê Thị Hồng, official member of cell_a, and a probationary member of cell_b."""
    registry.enter_existing_member(
        person=make_person(cast.cell_b, family_name="Hà", middle_name="Thị", given_name="Dung"),
        cell=cast.cell_b,
        decision_on=date(2026, 1, 5),
        joined_on=date(2026, 1, 5),
        actor=system_user(),
        today=TODAY,
    )
    return registry.enter_existing_member(
        person=cast.person_a,
        cell=cast.cell_a,
        decision_on=date(2015, 5, 20),
        joined_on=date(2015, 6, 1),
        official_on=date(2016, 6, 1),
        actor=system_user(),
        today=TODAY,
    )


def test_officer_records_and_corrects_an_exemption(
    live_server, cast, members: Membership, browser: Browser
) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    context = new_context(browser, viewport={"width": 1366, "height": 900}, locale="vi-VN")
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    base = live_server.url

    login(page, base, cast.grassroots_officer.username)
    page.get_by_role("navigation", name="Điều hướng chính").get_by_role(
        "link", name="Đảng viên", exact=True
    ).click()
    expect(page.get_by_role("heading", name="Đảng viên", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Hà Thị Dung")).to_be_visible()
    # htmx wires the filter form once the page has loaded; a change before that is lost.
    page.wait_for_load_state()
    page.get_by_label("Tình trạng").select_option("official")
    expect(page.get_by_role("link", name="Hà Thị Dung")).to_have_count(0)
    page.screenshot(path=str(ARTIFACTS / "members-list-1366.png"), full_page=True)
    page.get_by_role("link", name="Lê Thị Hồng").click()
    expect(page.get_by_role("heading", name="Lê Thị Hồng")).to_be_visible()

    page.get_by_role("link", name="Ghi sự kiện").click()
    page.get_by_label("Sự kiện").select_option("exempt_start")
    page.get_by_label("Ngày hiệu lực").fill("01/03/2024")
    page.get_by_label("Số quyết định / văn bản").fill("QĐ 45")
    page.get_by_role("button", name="Ghi").click()
    expect(page.locator(".msg-success")).to_contain_text("Đã ghi sự kiện")
    expect(page.get_by_text("Đang được miễn công tác và sinh hoạt đảng")).to_be_visible()

    event = MemberEvent.objects.get(membership=members, kind=EventKind.EXEMPT_START)
    page.locator(f"#su-kien-{event.pk}").get_by_role("link", name="Sửa / hủy").click()
    page.get_by_label("Ngày hiệu lực đúng").fill("01/04/2024")
    page.get_by_label("Lý do sửa").fill("Sai ngày quyết định")
    page.get_by_role("button", name="Lưu").click()
    expect(page.locator(".msg-success")).to_contain_text("Đã sửa sự kiện")
    struck = page.locator(f"#su-kien-{event.pk}")
    expect(struck.locator("del").first).to_have_text("01/03/2024")
    expect(struck).to_contain_text("lý do: Sai ngày quyết định")
    page.screenshot(path=str(ARTIFACTS / "member-1366.png"), full_page=True)
    assert MemberEvent.objects.get(supersedes=event).on == date(2024, 4, 1)

    phone = new_context(browser, viewport={"width": 375, "height": 812}, is_mobile=True)
    phone.add_cookies(context.cookies())
    mobile = phone.new_page()
    for url, shot in ((page.url, "member-375.png"), (f"{base}/dang-vien/", "members-list-375.png")):
        mobile.goto(url)
        expect(mobile.get_by_role("link", name="Lê Thị Hồng").first).to_be_visible()
        width = mobile.evaluate("document.documentElement.scrollWidth")
        mobile.screenshot(path=str(ARTIFACTS / shot), full_page=True)
        assert width <= 375, f"{url} overflows a 375 px phone: {width}px wide"
    assert errors == [], errors
    phone.close()
    context.close()
