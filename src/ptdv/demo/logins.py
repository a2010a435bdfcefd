"""The demo logins printed by `make run` (filled by the demo loader)."""

from __future__ import annotations


def demo_logins_text() -> str:
    return ""
