"""Health check."""

from __future__ import annotations

from django.db import connection
from django.http import HttpRequest
from ninja import Router, Schema, Status

router = Router(tags=["health"])


class HealthOut(Schema):
    status: str
    database: str
    database_vendor: str


@router.get("/health", response={200: HealthOut, 503: HealthOut}, auth=None, url_name="health")
def health(request: HttpRequest) -> Status[HealthOut]:
    """Report whether the database answers. Public: it reveals no data."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # noqa: BLE001 - any failure means "down"
        down = HealthOut(status="error", database="unavailable", database_vendor=connection.vendor)
        return Status(503, down)
    return Status(200, HealthOut(status="ok", database="ok", database_vendor=connection.vendor))
