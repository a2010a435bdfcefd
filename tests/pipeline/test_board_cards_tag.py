"""`{% board_cards %}` writes the cards the board's template partial wrote (the same HTML up to
the whitespace between tags): names escaped, the case linked, days grouped, the due day and the
overdue badge."""

from __future__ import annotations

import re
from datetime import date

from django.template import Context, Template
from django.utils import translation

from ptdv.pipeline.boards import BoardCard

# The partial the tag replaced (pipeline/board.html before stop 33).
PARTIAL = """{% load i18n humanize %}{% for card in cards %}<li class="board-card{% if card.overdue %} overdue{% endif %}">
  <a href="{% url 'pipeline:case-detail' card.case_id %}"><strong>{{ card.person_name }}</strong></a>
  <div class="small">{{ card.cell_label }}</div>
  <div class="small muted">{% blocktranslate with n=card.days_in_stage|intcomma %}{{ n }} ngày ở giai đoạn này{% endblocktranslate %}</div>
  {% if card.next_due_on %}<div class="small{% if card.overdue %} due-overdue{% endif %}">{% translate "Hạn" %}: {{ card.next_due_on|date:"d/m/Y" }}{% if card.overdue %} <span class="badge badge-red">{% translate "Quá hạn" %}</span>{% endif %}</div>{% endif %}
</li>{% endfor %}"""  # noqa: E501


def _card(case_id: int, name: str, due: date | None, overdue: bool, days: int) -> BoardCard:
    return BoardCard(case_id, "decided", name, "Chi bộ 1", 'Chi bộ "1" <Xã A & B>', days, due,
                     "DECIDE-60WD", overdue)  # fmt: skip


def _squeezed(html: str) -> str:
    return re.sub(r">\s+<", "><", html.strip())


def test_the_tag_writes_what_the_partial_wrote():
    cards = [
        _card(7, "Nguyễn Văn <A>", date(2026, 1, 5), True, 1234),
        _card(8, "Lê Thị B's", date(2027, 3, 1), False, 3),
        _card(9, "Trần & Co", None, False, 0),
    ]
    with translation.override("vi"):
        want = Template(PARTIAL).render(Context({"cards": cards}))
        got = Template("{% load board_cards %}{% board_cards cards %}").render(
            Context({"cards": cards})
        )
    assert _squeezed(got) == _squeezed(want)
    assert "1.234 ngày" in got
    assert "Nguyễn Văn &lt;A&gt;" in got
    assert got.count("badge-red") == 1
