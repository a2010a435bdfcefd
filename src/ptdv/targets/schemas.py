"""Shapes of the targets' API."""

from __future__ import annotations

from decimal import Decimal

from ninja import Schema


class TargetIn(Schema):
    metric: str
    start_year: int
    end_year: int
    value: Decimal
    notes: str = ""
    # The version read; omit (null) to set a new target.
    version: int | None = None


class TargetRemoveIn(Schema):
    metric: str
    start_year: int
    end_year: int
    version: int
    reason: str


class TargetOut(Schema):
    id: int
    unit_id: int
    metric: str
    label: str
    start_year: int
    end_year: int
    period: str
    value: Decimal
    notes: str
    version: int
