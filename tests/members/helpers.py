"""Fast set-up of many members for figure tests: people bulk-inserted, histories through the
registry's bulk entry (the same replay as the one-by-one services)."""

from __future__ import annotations

from datetime import date
from itertools import count

from ptdv.members.rules.dates import official_date
from ptdv.members.services.bulk import EventSpec, HistorySpec, bulk_enter
from ptdv.orgs.models import Org
from ptdv.people.models import EthnicGroup, Person
from ptdv.people.services import derive_names
from tests.factories import TODAY, system_user

_GIVEN = ("An", "Bình", "Chi", "Dũng", "Giang", "Hà", "Khánh", "Lan", "Minh", "Nga", "Phúc")
_seq = count(1)


def bulk_people(cells: list[Org], n: int, *, birth: date = date(1980, 3, 1)) -> list[Person]:
    """Return n new people spread over the cells in turn."""
    kinh = EthnicGroup.objects.get(code="01")
    people = []
    for i in range(n):
        k = next(_seq)
        person = Person(
            org=cells[i % len(cells)],
            family_name="Trần",
            middle_name="Văn" if k % 2 else "Thị",
            given_name=_GIVEN[k % len(_GIVEN)],
            sex="M" if k % 2 else "F",
            birth_date=birth,
            ethnic_group=kinh,
        )
        derive_names(person)
        people.append(person)
    return Person.objects.bulk_create(people, batch_size=1000)


def enter(histories: list[tuple[Person, date, list[EventSpec]]]) -> None:
    """Enter (person, decision day, events) histories in one bulk call."""
    bulk_enter(
        [
            HistorySpec(person_id=p.pk, sort_key=p.sort_key, decision_on=d, events=events)
            for p, d, events in histories
        ],
        actor=system_user(),
        today=TODAY,
    )


def admitted(person: Person, ceremony: date, *, official: bool = True) -> list[EventSpec]:
    """Return the events of a member admitted in their cell on `ceremony`."""
    events = [EventSpec("admitted", ceremony, person.org_id)]
    if official:
        events.append(EventSpec("recognised", official_date(ceremony), person.org_id))
    return events
