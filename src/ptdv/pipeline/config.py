"""The deployment's choices for the admission rules: settings.PTDV_RULES as a RulesConfig.

The rules are pure and take their `RulesConfig` as an argument; the services and selectors ask
`rules_config()` for it on every call (it is a few attribute reads), so `override_settings` in
tests and a changed setting in a deployment reach every rule.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from ptdv.pipeline.rules import (
    MONTH_END_CLAMP,
    MONTH_END_OVERFLOW,
    UPPER_AGE_DAY,
    UPPER_AGE_MONTH,
    RulesConfig,
)

# Fields whose value is one of a few words; the others are checked by their default's type.
_CHOICES: dict[str, tuple[str, ...]] = {
    "upper_age_mode": (UPPER_AGE_DAY, UPPER_AGE_MONTH),
    "month_end": (MONTH_END_CLAMP, MONTH_END_OVERFLOW),
}


def rules_config() -> RulesConfig:
    """Return the RulesConfig that settings.PTDV_RULES describes (missing keys: defaults).

    Raise ImproperlyConfigured for an unknown key or a value of the wrong kind, so a typo in a
    deployment's settings stops the server instead of silently keeping a default.
    """
    given: dict[str, Any] = dict(getattr(settings, "PTDV_RULES", {}))
    defaults = RulesConfig()
    known = {f.name for f in dataclasses.fields(RulesConfig)}
    unknown = sorted(set(given) - known)
    if unknown:
        raise ImproperlyConfigured(f"PTDV_RULES: unknown rule settings {', '.join(unknown)}")
    for name, value in given.items():
        default = getattr(defaults, name)
        if name in _CHOICES:
            if value not in _CHOICES[name]:
                raise ImproperlyConfigured(
                    f"PTDV_RULES[{name!r}] must be one of {', '.join(_CHOICES[name])}, "
                    f"not {value!r}"
                )
        elif isinstance(default, bool):
            if not isinstance(value, bool):
                raise ImproperlyConfigured(f"PTDV_RULES[{name!r}] must be True or False")
        elif isinstance(default, int):
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ImproperlyConfigured(
                    f"PTDV_RULES[{name!r}] must be a non-negative integer, not {value!r}"
                )
    return dataclasses.replace(defaults, **given)
