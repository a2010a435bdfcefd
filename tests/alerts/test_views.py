"""The digest page /viec-can-lam/tong-hop/ (D42): grouped by urgency, scoped, linked."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.urls import reverse

from tests.factories import TODAY

URL = "/viec-can-lam/tong-hop/"


@pytest.fixture(autouse=True)
def pinned_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("ptdv.alerts.views._today", lambda: TODAY)


def _groups(html: str) -> dict[str, list[str]]:
    return {
        key: re.findall(r'<div class="digest-who"><a href="[^"]+">([^<]+)</a>', body)
        for key, body in re.findall(
            r'<section class="card digest-group digest-(\w+)".*?>(.*?)</section>', html, re.S
        )
    }


def test_the_page_groups_the_scope_by_urgency_with_counts(client, scene) -> None:
    assert reverse("alerts:digest") == URL
    client.force_login(scene.cast.grassroots_officer)
    response = client.get(URL)
    assert response.status_code == 200
    html = unescape(response.content.decode())
    assert _groups(html) == {
        "overdue": ["Lê Thị Lan"],
        "due": ["Lê Thị Hạnh"],
        "at_risk": ["Lê Thị Bích"],
    }
    assert "Tính đến hôm nay 21/11/2026" in html
    assert "trong 30 ngày tới" in html
    assert '<a href="#digest-overdue">Quá hạn</a> <span class="badge badge-red">1</span>' in html
    assert "Chuyển sinh hoạt đảng: 1" in html
    assert "Danh sách cần theo dõi: 2" in html
    assert "Căn cứ: Quy định 294-QĐ/TW (26/5/2025), mục 6.3.1" in html
    assert re.search(r'<span class="due-overdue">Hạn \d\d/\d\d/2026, đã quá \d+ ngày</span>', html)
    # The cell secretary of cell_a does not see cell_b's member working away.
    client.force_login(scene.cast.cell_secretary)
    html = unescape(client.get(URL).content.decode())
    assert _groups(html)["at_risk"] == []
    assert "Lê Thị Bích" not in html


def test_a_large_scope_lists_the_most_urgent_items_and_counts_the_rest(
    client, scene, settings
) -> None:
    settings.PTDV_ALERTS_LIST_LIMIT = 0
    client.force_login(scene.cast.grassroots_officer)
    html = unescape(client.get(URL).content.decode())
    assert _groups(html) == {"overdue": [], "due": [], "at_risk": []}
    assert '<a href="#digest-overdue">Quá hạn</a> <span class="badge badge-red">1</span>' in html
    assert "Trên đây là 0 việc gấp nhất; còn 1 việc nữa." in html
    settings.PTDV_ALERTS_LIST_LIMIT = 1
    html = unescape(client.get(URL).content.decode())
    assert _groups(html)["overdue"] == ["Lê Thị Lan"]
    assert "còn" not in html.split("digest-overdue")[2].split("</section>")[0]


def test_nav_and_the_todo_page_link_to_it(client, cast) -> None:
    client.force_login(cast.cell_secretary)
    html = client.get(reverse("pipeline:todo")).content.decode()
    assert html.count(f'href="{URL}"') == 2  # the nav and the to-do page's button
    html = client.get(URL).content.decode()
    assert f'href="{URL}" aria-current="page"' in html
    assert html.count('<p class="muted">Không có.</p>') == 3


def test_without_any_grant_it_is_404(client, cast) -> None:
    client.force_login(cast.nobody)
    assert client.get(URL).status_code == 404
    assert f'href="{URL}"' not in client.get(reverse("core:home")).content.decode()
