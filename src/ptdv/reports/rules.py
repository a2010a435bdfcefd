"""Pure arithmetic of the reports: percentages with the rounding the reports use.

The functions live in `ptdv.core.numbers` (one place for every app: the targets sit below the
reports and print the same percentages, decision D40); this module keeps the reports' names.
"""

from __future__ import annotations

from ptdv.core.numbers import ROUNDING_MODES, average, percent

__all__ = ["ROUNDING_MODES", "average", "percent"]
