"""Where a digest's items come from: each app registers its own provider (D42).

A provider is `fn(user, today) -> Iterable[Item]`: the items in the user's scope (it applies
the access policy itself, as every selector does) whose due date falls up to
`horizon_days()` ahead, overdue ones included, plus the flagged ones (`Item.at_risk`). The
apps register theirs from `AppConfig.ready()`, so this app imports none of them:

    from ptdv.alerts.providers import register
    register(my_app_items)          # e.g. the targets app: units whose target is at risk
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

from django.conf import settings

from ptdv.alerts.rules import Item

Provider = Callable[[Any, date], Iterable[Item]]

_PROVIDERS: list[Provider] = []


def register(fn: Provider) -> Provider:
    """Add a provider (once; registering it again changes nothing). Usable as a decorator."""
    if fn not in _PROVIDERS:
        _PROVIDERS.append(fn)
    return fn


def unregister(fn: Provider) -> None:
    """Remove a provider (tests)."""
    if fn in _PROVIDERS:
        _PROVIDERS.remove(fn)


def providers() -> tuple[Provider, ...]:
    """Return the registered providers, in registration order."""
    return tuple(_PROVIDERS)


def horizon_days() -> int:
    """Return how far ahead providers look: the wider of the page's and the e-mail's window."""
    return max(settings.PTDV_ALERTS_PAGE_DAYS, settings.PTDV_ALERTS_EMAIL_DAYS)
