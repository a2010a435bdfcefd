"""API for orgs (filled in by its issue work)."""

from ninja import Router

router = Router(tags=["orgs"])
