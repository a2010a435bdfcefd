"""The declarative step catalogue, the one case state, next steps and the exception fields."""

from __future__ import annotations

import json
import re
from datetime import date
from html import unescape
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from ptdv.people.models import EducationLevel, Person
from ptdv.pipeline import actions as A
from ptdv.pipeline import fields, forms, rules
from ptdv.pipeline.rules import state as rules_state
from ptdv.pipeline.schemas import STEP_DATA_SCHEMAS
from ptdv.pipeline.services import preview_step, record_step
from ptdv.pipeline.services.steps import EFFECTS
from tests.factories import TODAY
from tests.pipeline.factories import (
    make_candidate,
    make_former_member,
    open_test_case,
    walk_case_to,
)

# --- the catalogue declares everything, and every declared name exists -------------------------


def test_every_declared_name_has_its_implementation() -> None:
    for code, spec in A.ACTIONS.items():
        assert set(spec.checks) <= set(rules.CHECKS), code
        assert set(spec.effects) <= set(EFFECTS), code
        assert set(spec.deadlines) <= set(rules.RULES), code
        assert spec.rule in rules.RULES, code
        assert set(spec.requires) <= set(A.ACTIONS), code
        assert spec.permission in ("record", "committee", "decide"), code
        for stage in (spec.until, spec.leads_to, spec.refusal_needs):
            assert stage == "" or stage in rules.STAGES, code
        assert spec.needs in ("", A.PREVIOUS, *rules.STAGES), code
        for f in spec.fields:
            assert isinstance(f.kind, fields.Kind)
            assert (f.kind is fields.Kind.CHOICE) == bool(f.choices), (code, f.name)
    # One form field builder per kind, one API type per kind.
    assert set(forms.FIELD_BUILDERS) == set(fields.Kind)


def test_each_step_has_one_data_schema_from_its_fields() -> None:
    history = STEP_DATA_SCHEMAS[A.HISTORY].model_json_schema()
    assert set(history["properties"]) == {"education_exception", "education_equivalent"}
    application = STEP_DATA_SCHEMAS[A.APPLICATION].model_json_schema()
    assert "date" in json.dumps(application["properties"]["record_cleared_on"])
    introduced = STEP_DATA_SCHEMAS[A.INTRODUCED].model_json_schema()
    assert "two_members" in json.dumps(introduced["properties"]["mode"])
    assert set(introduced["required"]) == {"mode", "introducers", "worked_together_months"}
    # The API documents the step data by these schemas.
    openapi = json.dumps(Client().get("/api/openapi.json").json())
    assert "record_cleared_on" in openapi
    assert "education_exception" in openapi


def test_the_state_machine_is_read_from_the_declaration() -> None:
    # The stage a step leads to is the one its declaration names; the "missing" gate too.
    assert A.ACTIONS[A.CELL_VOTE].leads_to == rules.CELL_APPROVED
    assert rules_state._GATE_ACTION[rules.CELL_APPROVED] == A.CELL_VOTE
    assert rules_state._GATE_ACTION[rules.OFFICIAL] == A.RECOGNITION_DECISION
    assert rules.VOTE_ACTIONS == {
        A.CELL_VOTE,
        A.COMMITTEE_VOTE,
        A.RECOGNITION_CELL_VOTE,
        A.RECOGNITION_COMMITTEE_VOTE,
    }


# --- one replay per case per page ------------------------------------------------------------


@pytest.fixture
def replays(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Count the replays of a case's steps (rules.state.replay is the only one)."""
    calls: list[int] = []
    original = rules_state.replay

    def counting(facts: Any, config: Any = rules.CONFIG) -> Any:
        calls.append(len(facts.steps))
        return original(facts, config)

    monkeypatch.setattr(rules_state, "replay", counting)
    return calls


@pytest.fixture
def walked(world):
    case = open_test_case(world.candidate, world.cast.cell_a, actor=world.cast.board_specialist)
    return walk_case_to(
        case,
        members=world.members,
        authority=world.authority,
        actor=world.cast.board_specialist,
        stop_before=A.COMMITTEE_VOTE,
    )


def test_the_case_page_replays_the_steps_once(world, walked, replays, monkeypatch) -> None:
    monkeypatch.setattr("ptdv.pipeline.views._today", lambda: TODAY)
    client = Client()
    client.force_login(world.cast.grassroots_officer)
    response = client.get(reverse("pipeline:case-detail", args=[walked.pk]))
    assert response.status_code == 200
    assert replays == [10]  # the opening and nine steps, replayed once


def test_the_board_replays_no_case(world, walked, replays) -> None:
    client = Client()
    client.force_login(world.cast.grassroots_officer)
    assert client.get(reverse("pipeline:board")).status_code == 200
    assert replays == []


def test_the_api_detail_and_recording_replay_once(world, walked, replays) -> None:
    client = Client()
    client.force_login(world.cast.board_specialist)
    assert client.get(f"/api/v1/cases/{walked.pk}").status_code == 200
    assert replays == [10]
    replays.clear()
    record_step(
        case=walked,
        action=A.COMMITTEE_VOTE,
        occurred_on=date(2024, 12, 5),
        data={"eligible": 7, "present": 7, "agree": 6},
        version=walked.version,
        actor=world.cast.board_specialist,
        today=TODAY,
    )
    # The check and the cached columns read one state; the step moves it on, no new replay.
    assert replays == [10]
    assert walked.stage == rules.COMMITTEE_APPROVED


def test_recording_a_step_through_the_api_replays_once(world, walked, replays, monkeypatch) -> None:
    monkeypatch.setattr("ptdv.pipeline.api._today", lambda: TODAY)
    client = Client()
    client.force_login(world.cast.board_specialist)
    body = {
        "action": A.COMMITTEE_VOTE,
        "occurred_on": "2024-12-05",
        "data": {"eligible": 7, "present": 7, "agree": 6},
        "version": walked.version,
    }

    response = client.post(
        f"/api/v1/cases/{walked.pk}/steps", json.dumps(body), content_type="application/json"
    )

    assert response.status_code == 201
    # The service's state answers the detail too: no second replay of the now eleven steps.
    assert replays == [10]
    assert response.json()["stage"] == rules.COMMITTEE_APPROVED
    # And it is the state a replay gives: the detail read afterwards is the same body.
    replays.clear()
    assert client.get(f"/api/v1/cases/{walked.pk}").json() == response.json()
    assert replays == [11]


# --- next steps ----------------------------------------------------------------------------


def test_next_steps_never_offer_steps_already_done(world, walked) -> None:
    from ptdv.pipeline.selectors import case_page

    page = case_page(world.cast.board_specialist, walked, today=TODAY)
    codes = [a.code for a in page.next_actions]
    recorded = {
        A.COURSE,
        A.CANDIDATE_LISTED,
        A.APPLICATION,
        A.HISTORY,
        A.VERIFY_REQUESTED,
        A.VERIFIED,
        A.INTRODUCED,
        A.OPINIONS,
        A.CELL_VOTE,
    }
    assert not recorded & set(codes)
    assert A.COMMITTEE_VOTE in codes
    assert page.waiting == []  # the board specialist may record every step


def test_the_case_page_says_whom_the_case_waits_for(world, walked, client_for) -> None:
    cast = world.cast
    client = client_for(cast.cell_secretary)
    html = unescape(client.get(reverse("pipeline:case-detail", args=[walked.pk])).content.decode())
    assert f"?action={A.COMMITTEE_VOTE}" not in html
    waiting = re.search(r'<ul class="waiting">.*?</ul>', html, re.S)
    assert waiting is not None
    assert "Chờ Đảng ủy Trường THPT Đông Hà biểu quyết" in waiting[0]
    body = client.get(f"/api/v1/cases/{walked.pk}").json()
    assert [(w["action"], w["unit_id"]) for w in body["waiting_for"]] == [
        (A.COMMITTEE_VOTE, cast.grassroots.pk)
    ]
    assert body["waiting_for"][0]["text"] == "Chờ Đảng ủy Trường THPT Đông Hà biểu quyết"
    # After the committee's vote the case waits for the deciding committee the tree names.
    record_step(
        case=walked,
        action=A.COMMITTEE_VOTE,
        occurred_on=date(2024, 12, 5),
        data={"eligible": 7, "present": 7, "agree": 6},
        version=walked.version,
        actor=cast.board_specialist,
        today=TODAY,
    )
    body = client.get(f"/api/v1/cases/{walked.pk}").json()
    decision = [w for w in body["waiting_for"] if w["action"] == A.DECISION]
    assert [(w["unit_id"], w["text"]) for w in decision] == [
        (world.authority.pk, "Chờ Đảng ủy phường Đông Hà quyết định")
    ]


# --- the exception fields: each rule branch fires through the services and the API ---------


def _edu_min(findings: list[rules.Finding]) -> list[str]:
    return [f.message for f in findings if f.rule_id == "EDU-MIN"]


def _walk_with(world, person: Person, action: str, data: dict[str, Any], *, until: str):
    """Open a case, record the path with `data` for `action`, stop before `until`."""
    cast = world.cast
    case = open_test_case(person, cast.cell_a, actor=cast.board_specialist)
    kw = {"members": world.members, "authority": world.authority, "actor": cast.board_specialist}
    walk_case_to(case, stop_before=action, **kw)
    day = {A.APPLICATION: date(2024, 10, 14), A.HISTORY: date(2024, 10, 15)}[action]
    record_step(
        case=case,
        action=action,
        occurred_on=day,
        data=data,
        version=case.version,
        actor=cast.board_specialist,
        today=TODAY,
    )
    return walk_case_to(case, stop_before=until, **kw)


CELL_VOTE = {"eligible": 4, "present": 4, "agree": 4}


def test_the_education_exception_on_the_history_step_is_judged(world) -> None:
    primary = EducationLevel.objects.get(code="tieu_hoc")
    plain = _walk_with(
        world,
        make_candidate(world.cast.cell_a, education=primary),
        A.HISTORY,
        {},
        until=A.CELL_VOTE,
    )
    claimed = _walk_with(
        world,
        make_candidate(world.cast.cell_a, education=primary),
        A.HISTORY,
        {"education_exception": True},
        until=A.CELL_VOTE,
    )

    def vote(case):
        return preview_step(
            case=case,
            action=A.CELL_VOTE,
            occurred_on=date(2024, 11, 25),
            data=CELL_VOTE,
            today=TODAY,
        )

    assert _edu_min(vote(plain)) == [
        "Chưa có bằng tốt nghiệp trung học cơ sở (EDU-MIN, Quy định 24-QĐ/TW điểm 3.1)"
    ]
    assert _edu_min(vote(claimed)) == []
    # The exception still needs primary school completed.
    below = EducationLevel.objects.get(code="chua_tot_nghiep_tieu_hoc")
    Person.objects.filter(pk=claimed.person_id).update(education=below)
    [message] = _edu_min(vote(claimed))
    assert message.startswith("Thuộc diện ngoại lệ về học vấn nhưng chưa hoàn thành")


def test_an_equivalent_diploma_counts_only_before_30_7_2021(world) -> None:
    primary = EducationLevel.objects.get(code="tieu_hoc")
    case = _walk_with(
        world,
        make_candidate(world.cast.cell_a, education=primary),
        A.HISTORY,
        {"education_equivalent": True},
        until=A.CELL_VOTE,
    )

    def vote_on(day: date) -> list[str]:
        findings = preview_step(
            case=case, action=A.CELL_VOTE, occurred_on=day, data=CELL_VOTE, today=TODAY
        )
        return _edu_min(findings)

    assert vote_on(date(2021, 7, 29)) == []
    [message] = vote_on(date(2024, 11, 25))
    assert "văn bằng tương đương không còn được chấp nhận" in message


@pytest.fixture
def former(world) -> Person:
    person = make_candidate(world.cast.cell_a)
    return make_former_member(
        person, joined_on=date(2010, 5, 1), left_on=date(2019, 5, 1), reason="less_serious_crime"
    )


def test_a_cleared_record_on_the_application_is_judged(world, former) -> None:
    cast = world.cast
    case = open_test_case(former, cast.cell_a, actor=cast.board_specialist, is_readmission=True)
    walk_case_to(
        case,
        members=world.members,
        authority=world.authority,
        actor=cast.board_specialist,
        stop_before=A.APPLICATION,
    )

    def readmit(data: dict[str, Any]) -> list[str]:
        findings = preview_step(
            case=case, action=A.APPLICATION, occurred_on=date(2024, 10, 14), data=data, today=TODAY
        )
        return [f.message.split(" (READMIT")[0] for f in findings if f.rule_id == "READMIT"]

    assert readmit({}) == ["Chưa có ngày được xóa án tích của người từng bị kết án"]
    assert readmit({"record_cleared_on": "2023-01-01"}) == [
        "Chưa đủ 60 tháng kể từ ngày được xóa án tích (01/01/2023)"
    ]
    assert readmit({"record_cleared_on": "15/01/2016"}) == []
    # Once recorded, the date stays with the case (the case page no longer asks for it).
    record_step(
        case=case,
        action=A.APPLICATION,
        occurred_on=date(2024, 10, 14),
        data={"record_cleared_on": "2016-01-15"},
        version=case.version,
        actor=cast.board_specialist,
        today=TODAY,
    )
    from ptdv.pipeline.selectors import case_page

    page = case_page(cast.board_specialist, case, today=TODAY)
    assert not [f for f in page.findings if "xóa án tích" in f.message]


def _post(client: Client, url: str, body: dict[str, Any]):
    return client.post(url, json.dumps(body), content_type="application/json")


def test_the_exception_fields_through_the_api(world, former, client_for) -> None:
    cast = world.cast
    client = client_for(cast.board_specialist)
    # Re-admission after a cleared record.
    case = open_test_case(former, cast.cell_a, actor=cast.board_specialist, is_readmission=True)
    walk_case_to(
        case,
        members=world.members,
        authority=world.authority,
        actor=cast.board_specialist,
        stop_before=A.APPLICATION,
    )
    url = f"/api/v1/cases/{case.pk}/steps/preview"
    body = {"action": A.APPLICATION, "occurred_on": "2024-10-14"}
    early = _post(client, url, {**body, "data": {"record_cleared_on": "2023-01-01"}}).json()
    assert [f["rule_id"] for f in early["findings"]] == ["READMIT"]
    assert "Chưa đủ 60 tháng kể từ ngày được xóa án tích" in early["findings"][0]["message"]
    late = _post(client, url, {**body, "data": {"record_cleared_on": "2016-01-15"}}).json()
    assert late == {"blocked": False, "findings": []}
    # The education exception, recorded on the lý lịch through the API.
    primary = EducationLevel.objects.get(code="tieu_hoc")
    other = open_test_case(
        make_candidate(cast.cell_a, education=primary), cast.cell_a, actor=cast.board_specialist
    )
    kw = {"members": world.members, "authority": world.authority, "actor": cast.board_specialist}
    walk_case_to(other, stop_before=A.HISTORY, **kw)
    recorded = _post(
        client,
        f"/api/v1/cases/{other.pk}/steps",
        {
            "action": A.HISTORY,
            "occurred_on": "2024-10-15",
            "data": {"education_exception": True, "education_equivalent": False},
            "version": other.version,
        },
    )
    assert recorded.status_code == 201
    assert recorded.json()["steps"][-1]["data"] == {
        "education_exception": True,
        "education_equivalent": False,
    }
    other.refresh_from_db()
    walk_case_to(other, stop_before=A.CELL_VOTE, **kw)
    vote = _post(
        client,
        f"/api/v1/cases/{other.pk}/steps/preview",
        {"action": A.CELL_VOTE, "occurred_on": "2024-11-25", "data": CELL_VOTE},
    ).json()
    assert "EDU-MIN" not in [f["rule_id"] for f in vote["findings"]]
    # A wrongly typed flag is refused, naming the field.
    bad = _post(
        client,
        f"/api/v1/cases/{other.pk}/steps/preview",
        {"action": A.HISTORY, "occurred_on": "2024-10-15", "data": {"education_exception": "x"}},
    )
    assert bad.status_code == 422
    assert "education_exception" in json.dumps(bad.json())
