"""The rules' configuration comes from settings.PTDV_RULES and reaches the rules."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from ptdv import settings as project_settings
from ptdv.pipeline import actions
from ptdv.pipeline.config import rules_config
from ptdv.pipeline.models import Stage
from ptdv.pipeline.rules import RulesConfig
from ptdv.pipeline.services import TransitionBlocked, record_step
from tests.factories import TODAY
from tests.pipeline.factories import open_test_case, path_steps, walk_case_to


def test_the_default_settings_are_the_rules_defaults() -> None:
    assert rules_config() == RulesConfig()


@override_settings(PTDV_RULES={"check_decision_authority": False, "upper_age_mode": "month"})
def test_a_setting_overrides_its_rule_and_keeps_the_other_defaults() -> None:
    config = rules_config()
    assert (config.check_decision_authority, config.upper_age_mode) == (False, "month")
    assert config.certificate_validity_months == RulesConfig().certificate_validity_months


@pytest.mark.parametrize(
    ("rules", "message"),
    [
        ({"check_authority": False}, "unknown rule settings check_authority"),
        ({"check_decision_authority": "no"}, "must be True or False"),
        ({"upper_age_mode": "year"}, "must be one of day, month"),
        ({"month_end": "round"}, "must be one of clamp, overflow"),
        ({"age_warning_months": -1}, "must be a non-negative integer"),
        ({"certificate_validity_months": "60"}, "must be a non-negative integer"),
        ({"youth_age_max_years": True}, "must be a non-negative integer"),
    ],
)
def test_a_wrong_rule_setting_stops_with_a_clear_message(rules, message) -> None:
    with override_settings(PTDV_RULES=rules), pytest.raises(ImproperlyConfigured, match=message):
        rules_config()


@pytest.mark.parametrize(
    ("helper", "name", "value", "message"),
    [
        ("envbool", "PTDV_RULES_CHECK_DECISION_AUTHORITY", "maybe", "must be true or false"),
        ("envchoice", "PTDV_RULES_MONTH_END", "round", "must be one of clamp, overflow"),
        ("envcount", "PTDV_RULES_AGE_WARNING_MONTHS", "-2", "must not be negative"),
        ("envcount", "PTDV_RULES_AGE_WARNING_MONTHS", "three", "must be an integer"),
    ],
)
def test_the_environment_is_parsed_strictly(monkeypatch, helper, name, value, message) -> None:
    monkeypatch.setenv(name, value)
    args = (name, "clamp", ("clamp", "overflow")) if helper == "envchoice" else (name, "3")
    with pytest.raises(ImproperlyConfigured, match=message):
        getattr(project_settings, helper)(*args)


def test_the_environment_sets_a_rule(monkeypatch) -> None:
    monkeypatch.setenv("PTDV_RULES_UPPER_AGE_MODE", " Month ")
    assert project_settings.envchoice("PTDV_RULES_UPPER_AGE_MODE", "day", ("day", "month")) == (
        "month"
    )


def _decide_with(world, authority_pk: int) -> None:
    cast = world.cast
    case = open_test_case(world.candidate, cast.cell_a, actor=cast.board_specialist)
    walk_case_to(
        case,
        stop_before=actions.DECISION,
        members=world.members,
        authority=world.authority,
        actor=cast.board_specialist,
    )
    rows = path_steps(world.members, authority=world.authority, eligible=4)
    steps = {a: (d, data) for _s, a, d, data in rows}
    day, data = steps[actions.DECISION]
    record_step(
        case=case,
        action=actions.DECISION,
        occurred_on=day,
        data={**data, "authority": authority_pk},
        version=case.version,
        actor=cast.board_specialist,
        today=TODAY,
    )
    case.refresh_from_db()
    assert case.stage == Stage.DECIDED


def test_a_decision_by_another_committee_is_refused_by_default(world) -> None:
    with pytest.raises(TransitionBlocked) as exc:
        _decide_with(world, world.cast.province.pk)
    assert [f.rule_id for f in exc.value.findings if f.blocks] == ["AUTHORITY"]


@override_settings(PTDV_RULES={"check_decision_authority": False})
def test_a_deployment_can_turn_the_authority_check_off(world) -> None:
    # The same decision by the province committee is recorded: the setting reached the rules.
    _decide_with(world, world.cast.province.pk)
