"""Navigation: only what the user's grants reach."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from ptdv.access.policy import Action, can_anywhere, is_admin


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": {}}
    return {
        "nav": {
            "orgs": can_anywhere(user, Action.ORG_VIEW),
            "people": can_anywhere(user, Action.PERSON_VIEW),
            "members": can_anywhere(user, Action.MEMBER_VIEW),
            "pipeline": can_anywhere(user, Action.CASE_VIEW),
            # The alerts digest (D42): for whoever sees cases or members somewhere.
            "alerts": can_anywhere(user, Action.CASE_VIEW)
            or can_anywhere(user, Action.MEMBER_VIEW),
            "access_log": can_anywhere(user, Action.ACCESS_LOG_VIEW),
            "admin": is_admin(user) and user.is_staff,
        }
    }
