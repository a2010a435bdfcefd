"""A user's digest: the registered providers' items in the user's scope, classified (D42)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from itertools import chain
from typing import Any

from ptdv.access import policy
from ptdv.access.policy import Action
from ptdv.alerts import rules
from ptdv.alerts.providers import providers
from ptdv.alerts.rules import Alert, Urgency

# Who has a digest at all: whoever may see cases or members somewhere.
DIGEST_ACTIONS = (Action.CASE_VIEW, Action.MEMBER_VIEW)


@dataclass(frozen=True)
class Digest:
    today: date
    within_days: int
    alerts: list[Alert]
    counts: dict[Urgency, int] = field(default_factory=dict)

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
    if not has_digest(user):
        return Digest(today, within_days, [], rules.counts([]))
    items = chain.from_iterable(provider(user, today) for provider in providers())
    alerts = rules.classify(items, today=today, within_days=within_days)
    return Digest(today, within_days, alerts, rules.counts(alerts))
