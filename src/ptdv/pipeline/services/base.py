"""Errors and permissions shared by the pipeline services."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.translation import gettext as _

from ptdv.access.policy import Action
from ptdv.core.errors import DomainError
from ptdv.people.models import PartyStatus, Person
from ptdv.pipeline.actions import ACTIONS
from ptdv.pipeline.fields import STR_MAX
from ptdv.pipeline.rules import Finding

# Which policy action each catalogue permission needs (actions.ActionSpec.permission).
_PERMISSIONS: dict[str, Action] = {
    "record": Action.CASE_RECORD,
    "committee": Action.CASE_COMMITTEE,
    "decide": Action.CASE_DECIDE,
}
# Education levels (people reference list codes) that count as "primary school completed"
# for the difficult-area exception (DOMAIN §3.2, EDU-MIN); lower-secondary and up also do.
_PRIMARY_CODES = frozenset({"tieu_hoc"})
_STR_MAX = STR_MAX


class TransitionBlocked(DomainError):
    """The rules refuse the step; `findings` holds every finding (blocking ones first)."""

    def __init__(self, findings: Sequence[Finding]) -> None:
        blocking = [f for f in findings if f.blocks]
        super().__init__(
            _("Không thể ghi nhận bước này: %(reasons)s")
            % {"reasons": " ".join(f.message for f in blocking)}
        )
        self.findings: list[Finding] = blocking + [f for f in findings if not f.blocks]


class StepInvalid(DomainError):
    """The step's data does not fit its action; field_errors names each faulty field."""


def required_action(code: str) -> Action:
    """Return the policy action a user needs (on the case's cell) to record step `code`."""
    spec = ACTIONS.get(code)
    if spec is None:
        raise KeyError(code)
    return _PERMISSIONS[spec.permission]


# --- the pool --------------------------------------------------------------------------


def _refuse(message: str, field: str) -> DomainError:
    return DomainError(message, field_errors={field: [message]})


def _is_member(person: Person) -> bool:
    return person.party_status in (PartyStatus.PROBATIONARY, PartyStatus.OFFICIAL)
