"""GET /api/v1/health: public, reports whether the database answers (SQLite and PostgreSQL)."""

from __future__ import annotations

from django.db import connection
from django.test import Client


def test_health_reports_database_ok_without_login(db, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = Client().get("/api/v1/health")

    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "database_vendor": connection.vendor,
    }
    assert connection.vendor in ("sqlite", "postgresql")


def test_health_reports_503_when_the_database_fails(db, monkeypatch):
    class Unreachable:
        vendor = connection.vendor

        def cursor(self):
            raise OSError("connection refused")

    # The database is outside the process: the one choke point worth faking, and only as
    # the health check sees it (sessions and the test transaction keep the real one).
    monkeypatch.setattr("ptdv.core.api.connection", Unreachable())

    response = Client().get("/api/v1/health")

    assert response.status_code == 503
    assert response.json() == {
        "status": "error",
        "database": "unavailable",
        "database_vendor": connection.vendor,
    }
