"""The OpenAPI schema lists every operation; the docs page works offline (no CDN)."""

from __future__ import annotations

import re

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

from ptdv.api import api

OPERATIONS = {
    ("get", "/api/v1/health"): "health",
    ("get", "/api/v1/orgs"): "list_orgs",
    ("post", "/api/v1/orgs"): "create_org",
    ("get", "/api/v1/orgs/{org_id}"): "get_org",
    ("patch", "/api/v1/orgs/{org_id}"): "update_org",
    ("post", "/api/v1/orgs/{org_id}/move"): "move_org",
    ("post", "/api/v1/orgs/{org_id}/dissolve"): "dissolve_org",
    ("get", "/api/v1/people"): "list_people",
    ("post", "/api/v1/people"): "create_person",
    ("get", "/api/v1/people/{person_id}"): "get_person",
    ("patch", "/api/v1/people/{person_id}"): "update_person",
    ("get", "/api/v1/reference/{list_name}"): "reference_list",
    ("get", "/api/v1/me"): "me",
    ("get", "/api/v1/me/tokens"): "list_tokens",
    ("post", "/api/v1/me/tokens"): "create_token",
    ("post", "/api/v1/me/tokens/{token_id}/revoke"): "revoke_token",
    ("get", "/api/v1/cases"): "list_cases",
    ("post", "/api/v1/cases"): "create_case",
    ("get", "/api/v1/cases/{case_id}"): "get_case",
    ("post", "/api/v1/cases/{case_id}/steps"): "record_step",
    ("post", "/api/v1/cases/{case_id}/steps/preview"): "preview_step",
    ("get", "/api/v1/board"): "board",
    ("get", "/api/v1/due"): "due_list",
    ("get", "/api/v1/members"): "list_members",
    ("post", "/api/v1/members"): "enter_member",
    ("get", "/api/v1/members/{membership_id}"): "get_member",
    ("post", "/api/v1/members/{membership_id}/events"): "record_member_event",
    ("patch", "/api/v1/members/{membership_id}/card"): "update_member_card",
    ("patch", "/api/v1/members/{membership_id}/flags"): "update_member_flags",
    ("post", "/api/v1/member-events/{event_id}/correct"): "correct_member_event",
    ("get", "/api/v1/transfers"): "list_transfers",
    ("post", "/api/v1/transfers"): "start_transfer",
    ("get", "/api/v1/transfers/{transfer_id}"): "get_transfer",
    ("post", "/api/v1/transfers/{transfer_id}/letter"): "issue_letter",
    ("post", "/api/v1/transfers/{transfer_id}/accept"): "accept_transfer",
    ("post", "/api/v1/transfers/{transfer_id}/not-presented"): "report_not_presented",
    ("post", "/api/v1/transfers/{transfer_id}/return"): "return_from_temporary",
    ("post", "/api/v1/transfers/{transfer_id}/cancel"): "cancel_transfer",
    ("get", "/api/v1/units/{org_id}/figures"): "unit_figures",
    ("get", "/api/v1/units/{org_id}/watch"): "unit_watch",
    ("get", "/api/v1/units/{org_id}/badges"): "unit_badges",
    ("post", "/api/v1/units/{org_id}/meetings"): "record_meeting",
    ("post", "/api/v1/units/{org_id}/dues"): "record_dues",
    ("post", "/api/v1/units/{org_id}/ratings"): "record_ratings",
    ("get", "/api/v1/units/{org_id}/targets"): "list_targets",
    ("put", "/api/v1/units/{org_id}/targets"): "put_target",
    ("post", "/api/v1/units/{org_id}/targets"): "post_target",
    ("delete", "/api/v1/units/{org_id}/targets"): "delete_target",
    ("get", "/api/v1/units/{org_id}/targets/progress"): "targets_progress",
}


def test_openapi_schema_lists_every_operation(db):
    response = Client().get("/api/openapi.json")

    assert response.status_code == 200
    schema = response.json()
    listed = {
        (method, path): operation["operationId"]
        for path, methods in schema["paths"].items()
        for method, operation in methods.items()
    }
    assert listed == OPERATIONS
    assert schema["info"]["title"] == "PTĐV API"


def test_every_registered_operation_is_in_the_expected_list():
    # Guards the list above: a new endpoint must be added here (and get its tests).
    registered = {
        operation.view_func.__name__
        for _prefix, router in api._routers
        for path_view in router.path_operations.values()
        for operation in path_view.operations
    }
    assert registered == set(OPERATIONS.values())


def test_every_operation_but_health_requires_authentication(db):
    schema = Client().get("/api/openapi.json").json()
    public = {
        operation["operationId"]
        for methods in schema["paths"].values()
        for operation in methods.values()
        if not operation.get("security")
    }
    assert public == {"health"}


def test_docs_page_uses_only_local_assets(db):
    response = Client().get("/api/docs")

    assert response.status_code == 200
    html = response.content.decode()
    assert "http://" not in html
    assert "https://" not in html
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sorted(assets) == [
        "/static/ninja/favicon.png",
        "/static/ninja/favicon.svg",
        "/static/ninja/swagger-ui-bundle.js",
        "/static/ninja/swagger-ui-init.js",
        "/static/ninja/swagger-ui.css",
    ]
    for asset in assets:
        assert finders.find(asset.removeprefix("/static/")) is not None, asset


@pytest.mark.parametrize(("method", "path"), sorted(set(OPERATIONS) - {("get", "/api/v1/health")}))
def test_every_operation_answers_401_to_anonymous_callers(cast, method, path):
    url = re.sub(r"\{\w+\}", str(cast.cell_a.pk), path)

    response = getattr(Client(), method)(url, {}, content_type="application/json")

    assert response.status_code == 401
    assert response.json() == {"detail": "Chưa đăng nhập hoặc mã truy cập không hợp lệ."}
