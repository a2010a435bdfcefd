"""Errors and permissions shared by the pipeline services."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.translation import gettext as _

from ptdv.core.errors import DomainError
from ptdv.members.selectors import standing_of
from ptdv.people.models import Person
from ptdv.pipeline.rules import Finding


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


# --- the pool --------------------------------------------------------------------------


def _refuse(message: str, field: str) -> DomainError:
    return DomainError(message, field_errors={field: [message]})


def _is_member(person: Person) -> bool:
    return standing_of(person.pk).is_member
