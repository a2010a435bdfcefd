"""API for people (filled in by its issue work)."""

from ninja import Router

router = Router(tags=["people"])
