"""`{% linked_rows %}` writes the same rows a template loop would: names escaped and linked to
their pages with the query, whole numbers grouped, decimals rounded half up, no value as "–"."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.template import Context, Template
from django.urls import reverse
from django.utils import translation


@dataclass
class _Ageing:
    average: Decimal | None


@dataclass
class _Unit:
    org_id: int
    name: str
    total: int
    ageing: _Ageing


def _rows(items, query="day=31%2F12%2F2025&years=3"):
    template = Template(
        '{% load tables %}{% linked_rows items "reports:dashboard" query "total" '
        '"ageing.average:1" %}'
    )
    with translation.override("vi"):
        return template.render(Context({"items": items, "query": query}))


def test_rows_link_escape_and_format():
    html = _rows([_Unit(7, "Đảng bộ <A&B>", 31045, _Ageing(Decimal("52.25"))),
                  _Unit(8, "Chi bộ 2", 0, _Ageing(None))])  # fmt: skip
    first = reverse("reports:dashboard", args=[7])
    assert html == (
        f'<tr><td><a href="{first}?day=31%2F12%2F2025&amp;years=3">Đảng bộ &lt;A&amp;B&gt;</a>'
        '</td><td class="num">31.045</td><td class="num">52,3</td></tr>'
        f'<tr><td><a href="{reverse("reports:dashboard", args=[8])}?day=31%2F12%2F2025&amp;'
        'years=3">Chi bộ 2</a></td><td class="num">0</td><td class="num">–</td></tr>'
    )


def test_no_rows_and_no_query():
    assert _rows([]) == ""
    html = _rows([_Unit(7, "X", 1, _Ageing(Decimal(1)))], query="")
    assert f'href="{reverse("reports:dashboard", args=[7])}"' in html
