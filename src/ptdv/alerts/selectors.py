"""A user's digest: the registered providers' items in the user's scope, classified (D42)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from itertools import chain
from typing import Any

from django.conf import settings

from ptdv.access import policy
from ptdv.access.policy import Action
from ptdv.alerts import rules
from ptdv.alerts.providers import providers
from ptdv.alerts.rules import Alert, Urgency

# Who has a digest at all: whoever may see cases or members somewhere.
DIGEST_ACTIONS = (Action.CASE_VIEW, Action.MEMBER_VIEW)


# How many items of each urgency a digest lists (a province's board sees thousands): the rest
# are counted, and the unit's own pages list them (PTDV_ALERTS_LIST_LIMIT).
LIST_LIMIT_DEFAULT = 100


@dataclass(frozen=True)
class Section:
    """One urgency of a digest: the items listed (the most urgent first) and how many more."""

    key: Urgency
    title: str
    total: int
    shown: list[Alert]

    @property
    def hidden(self) -> int:
        return self.total - len(self.shown)


@dataclass(frozen=True)
class Digest:
    today: date
    within_days: int
    alerts: list[Alert]
    counts: dict[Urgency, int] = field(default_factory=dict)
    limit: int = LIST_LIMIT_DEFAULT

    @property
    def total(self) -> int:
        return len(self.alerts)

    @property
    def groups(self) -> list[tuple[Urgency, str, list[Alert]]]:
        """Return (urgency, Vietnamese title, alerts) for each urgency, most urgent first."""
        return [
            (u, str(rules.URGENCY_TITLES[u]), [a for a in self.alerts if a.urgency == u])
            for u in rules.URGENCY_ORDER
        ]

    @property
    def sections(self) -> list[Section]:
        """Return each urgency with at most `limit` of its items, most urgent first."""
        return [
            Section(key, title, len(alerts), alerts[: self.limit])
            for key, title, alerts in self.groups
        ]

    @property
    def topics(self) -> list[tuple[str, int]]:
        """Return how many alerts each topic has, in order of first appearance."""
        result: dict[str, int] = {}
        for alert in self.alerts:
            result[alert.item.topic] = result.get(alert.item.topic, 0) + 1
        return list(result.items())

    @property
    def subject(self) -> str:
        return rules.subject_line(self.counts, within_days=self.within_days)


def has_digest(user: Any) -> bool:
    """Return whether the user may have a digest (sees cases or members somewhere)."""
    return any(policy.can_anywhere(user, action) for action in DIGEST_ACTIONS)


def digest_for(user: Any, *, today: date, within_days: int) -> Digest:
    """Return the user's digest for today: every registered provider's items (each scoped by
    the policy), overdue, due within `within_days` days, or at risk, most urgent first."""
    limit = int(getattr(settings, "PTDV_ALERTS_LIST_LIMIT", LIST_LIMIT_DEFAULT))
    if not has_digest(user):
        return Digest(today, within_days, [], rules.counts([]), limit)
    items = chain.from_iterable(provider(user, today) for provider in providers())
    alerts = rules.classify(items, today=today, within_days=within_days)
    return Digest(today, within_days, alerts, rules.counts(alerts), limit)
