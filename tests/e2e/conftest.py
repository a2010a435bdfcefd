"""Shared pieces of the end-to-end tests: the browser, the reference lists, logging in."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    # Playwright's sync API runs an event loop in this thread; Django's ORM calls made by the
    # test itself (fixtures) are still synchronous and safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is required for the end-to-end tests: apt-get install chromium")
    with sync_playwright() as pw:
        b = pw.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield b
        b.close()


@pytest.fixture(autouse=True)
def _reference_lists(reference_lists: None) -> None:
    """Every browser test runs against live_server with real transactions (see conftest)."""


def login(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/tai-khoan/dang-nhap/")
    expect(page.get_by_role("heading", name="Đăng nhập PTĐV")).to_be_visible()
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill("mat-khau-thu-nghiem")
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("heading", name="Xin chào")).to_be_visible()


def new_context(browser: Browser, **kwargs: object) -> BrowserContext:
    """Return a browser context that never asks for /favicon.ico.

    A late favicon request reaching the live server while the test's database is being flushed
    makes the flush fail; pages name their icon, but error pages of other origins may not.
    """
    context = browser.new_context(**kwargs)  # type: ignore[arg-type]
    context.route("**/favicon.ico", lambda route: route.abort())
    return context
