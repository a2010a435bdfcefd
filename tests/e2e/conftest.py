"""Shared pieces of the end-to-end tests: the browser, the reference lists, logging in."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
_STAMP = ROOT / ".venv" / ".browser"  # written by scripts/ensure-browser
# The one variable naming the browser: `make test` sets it to what scripts/ensure-browser found or
# installed; a bare `pytest` reads the script's stamp, then does the lookup the script starts with.
CHROMIUM = (
    os.environ.get("PTDV_CHROMIUM")
    or (_STAMP.read_text().strip() if _STAMP.is_file() else "")
    or shutil.which("chromium")
    or shutil.which("chromium-browser")
    or "/usr/bin/chromium"
)
# Waits are on conditions, never fixed sleeps; these bounds only decide how long a loaded machine
# may take before a condition counts as failed (Playwright's own defaults: 5 s and 30 s).
EXPECT_TIMEOUT_MS = 30_000
ACTION_TIMEOUT_MS = 60_000
expect.set_options(timeout=EXPECT_TIMEOUT_MS)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    # Playwright's sync API runs an event loop in this thread; Django's ORM calls made by the
    # test itself (fixtures) are still synchronous and safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    if not Path(CHROMIUM).is_file():
        pytest.fail(
            f"No Chromium at {CHROMIUM}: run `make test` (it installs one) or set PTDV_CHROMIUM"
        )
    with sync_playwright() as pw:
        b = pw.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            timeout=ACTION_TIMEOUT_MS,
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
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    context.set_default_navigation_timeout(ACTION_TIMEOUT_MS)
    context.route("**/favicon.ico", lambda route: route.abort())
    return context
