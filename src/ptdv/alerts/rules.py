"""Alerts: which items are overdue, due soon or at risk, in what order, in which words (D42).

Pure: plain items in, classified alerts out, `today` passed in. The items come from the
providers each app registers (`alerts.providers`); this module never asks the database.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


class Urgency(StrEnum):
    OVERDUE = "overdue"  # the due date has passed
    DUE = "due"  # due today or within the window
    AT_RISK = "at_risk"  # flagged: a watch list, a target at risk; no deadline in the window


URGENCY_ORDER = (Urgency.OVERDUE, Urgency.DUE, Urgency.AT_RISK)
URGENCY_TITLES = {
    Urgency.OVERDUE: gettext_lazy("Quá hạn"),
    Urgency.DUE: gettext_lazy("Đến hạn"),
    Urgency.AT_RISK: gettext_lazy("Cần chú ý"),
}


@dataclass(frozen=True)
class Item:
    """One thing someone must do or watch, as a provider reports it.

    `source` and `key` identify it (the same item from two providers is listed once);
    `subject` is the person ("" for a unit's item, e.g. a target); `unit` the unit with its
    parent; `what` what is due, in Vietnamese; `basis` the legal reference, when known.
    `at_risk` marks a flag: listed even without a deadline in the window.
    """

    source: str
    key: str
    topic: str
    subject: str
    unit: str
    what: str
    due_on: date | None = None
    basis: str = ""
    url: str = ""
    at_risk: bool = False


@dataclass(frozen=True)
class Alert:
    item: Item
    urgency: Urgency
    days: int | None  # due_on - today; negative: overdue by that many days

    @property
    def sentence(self) -> str:
        return sentence(self.item, self.days)

    @property
    def when(self) -> str:
        return when(self.days, self.item.due_on)


def day(value: date) -> str:
    """Return a date as users read it: dd/mm/yyyy."""
    return f"{value:%d/%m/%Y}"


def urgency_of(item: Item, *, today: date, within_days: int) -> Urgency | None:
    """Return how urgent the item is today, or None when it is not listed: a due date in the
    past is overdue, one from today to `within_days` days ahead is due; a flagged item
    without such a date is at risk; anything else waits for a later digest."""
    if item.due_on is not None:
        days = (item.due_on - today).days
        if days < 0:
            return Urgency.OVERDUE
        if days <= within_days:
            return Urgency.DUE
    return Urgency.AT_RISK if item.at_risk else None


def _sort_key(alert: Alert) -> tuple[int, int, int, str, str, str, str, str]:
    item = alert.item
    return (
        URGENCY_ORDER.index(alert.urgency),
        alert.days is None,  # dated items before undated ones
        alert.days if alert.days is not None else 0,  # most overdue, then soonest, first
        item.unit,
        item.subject,
        item.what,
        item.source,
        item.key,
    )


def classify(items: Iterable[Item], *, today: date, within_days: int) -> list[Alert]:
    """Return the listed items as alerts, most urgent first: overdue (longest overdue first),
    due (soonest first), at risk (dated first); ties by unit, person, what. An item given
    twice (same source and key) is listed once."""
    if within_days < 0:
        raise ValueError("within_days must not be negative")
    seen: set[tuple[str, str]] = set()
    alerts: list[Alert] = []
    for item in items:
        if (item.source, item.key) in seen:
            continue
        seen.add((item.source, item.key))
        urgency = urgency_of(item, today=today, within_days=within_days)
        if urgency is None:
            continue
        days = (item.due_on - today).days if item.due_on is not None else None
        alerts.append(Alert(item, urgency, days))
    alerts.sort(key=_sort_key)
    return alerts


def counts(alerts: Iterable[Alert]) -> dict[Urgency, int]:
    """Return how many alerts there are of each urgency (every urgency present, maybe 0)."""
    result = dict.fromkeys(URGENCY_ORDER, 0)
    for alert in alerts:
        result[alert.urgency] += 1
    return result


def who(item: Item) -> str:
    """Return the person with the unit, or the unit alone."""
    if item.subject:
        return f"{item.subject} ({item.unit})" if item.unit else item.subject
    return item.unit


def when(days: int | None, due_on: date | None) -> str:
    """Return the due date with how far it is: "hạn 05/12/2026, đã quá 3 ngày"."""
    if due_on is None or days is None:
        return ""
    if days < 0:
        return _("hạn %(day)s, đã quá %(n)s ngày") % {"day": day(due_on), "n": -days}
    if days == 0:
        return _("hạn hôm nay, %(day)s") % {"day": day(due_on)}
    return _("hạn %(day)s, còn %(n)s ngày") % {"day": day(due_on), "n": days}


def sentence(item: Item, days: int | None) -> str:
    """Return the alert in one Vietnamese sentence: who (and where), what, when, on what
    legal basis. "Nguyễn Văn An (Chi bộ Khu phố 2 — Đảng bộ phường Đông Thanh): Hạn tổ chức
    lễ kết nạp — hạn 05/12/2026, còn 3 ngày. Căn cứ: Quy định 294-QĐ/TW (26/5/2025), điểm 4."""
    text = f"{who(item)}: {item.what.rstrip(' .')}"
    due = when(days, item.due_on)
    if due:
        text += f" — {due}"
    text += "."
    if item.basis:
        text += " " + _("Căn cứ: %(basis)s.") % {"basis": item.basis.rstrip(" .")}
    return text


def subject_line(counts: dict[Urgency, int], *, within_days: int) -> str:
    """Return the e-mail subject with the counts: "PTĐV — Việc cần làm: 2 quá hạn, 5 đến hạn
    trong 7 ngày, 1 cần chú ý"."""
    parts = []
    if counts.get(Urgency.OVERDUE):
        parts.append(_("%(n)s quá hạn") % {"n": counts[Urgency.OVERDUE]})
    if counts.get(Urgency.DUE):
        parts.append(
            _("%(n)s đến hạn trong %(days)s ngày") % {"n": counts[Urgency.DUE], "days": within_days}
        )
    if counts.get(Urgency.AT_RISK):
        parts.append(_("%(n)s cần chú ý") % {"n": counts[Urgency.AT_RISK]})
    return _("PTĐV — Việc cần làm: %(parts)s") % {"parts": ", ".join(parts) or _("không có")}
