"""What a member-registry rule says back: a refusal (block) or a warning, with its legal source.

The pipeline's `Finding` (pipeline.rules.base) plays the same part there; members sit below the
pipeline and may not import it, so the registry has its own small record.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    BLOCK = "block"
    WARN = "warn"


@dataclass(frozen=True)
class Notice:
    """One judgement of a rule: `message` is Vietnamese and names the rule and its source;
    `reference` is the legal reference alone ("Quy định 24-QĐ/TW (30/7/2021), mục 8.1")."""

    code: str
    severity: Severity
    message: str
    reference: str

    @property
    def blocks(self) -> bool:
        return self.severity == Severity.BLOCK


def day(value: object) -> str:
    """Return a date as users read it: dd/mm/yyyy."""
    return f"{value:%d/%m/%Y}"
