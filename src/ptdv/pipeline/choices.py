"""Reads behind the pipeline's pickers and pool pages: the sets a user may choose from.

A step's form offers these sets and the services resolve posted ids against the same sets
(services/refs.py), so what a page offers and what a request may name never differ (D27).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Max, QuerySet

from ptdv.access import policy
from ptdv.access.models import User
from ptdv.access.policy import Action
from ptdv.members.models import Standing
from ptdv.members.selectors import member_filter
from ptdv.orgs.models import CELL_KINDS, Org
from ptdv.people.models import Person
from ptdv.people.selectors import matching_query
from ptdv.pipeline.models import Case, PoolEntry, TrainingBatch


def step_people(user: User | None, case: Case) -> QuerySet[Person]:
    """Return the people a step may name: those of the case's cell, inside the user's scope."""
    return policy.scope(user, Person.objects.filter(org_id=case.cell_id), Action.PERSON_VIEW)


def step_orgs(user: User | None, case: Case) -> QuerySet[Org]:
    """Return the units a step may name: the user's, and the units above the case's cell."""
    return policy.scope(user, Org.objects.all(), Action.CASE_VIEW) | Org.objects.filter(
        path__in=case.cell.ancestor_paths
    )


def step_batches(user: User | None, case: Case) -> QuerySet[TrainingBatch]:
    """Return the courses a step may name: the user's, and those organised above the cell."""
    return policy.scope(user, TrainingBatch.objects.all(), Action.CASE_VIEW) | (
        TrainingBatch.objects.filter(organiser__path__in=case.cell.ancestor_paths)
    )


def transfer_targets(user: User | None) -> QuerySet[Org]:
    """Return the units a case may be sent to: where the user may record cases."""
    return policy.scope(user, Org.objects.all(), Action.CASE_RECORD)


def default_unit_for_user(user: Any, action: Action) -> Org | None:
    """Return the user's first grant root where they may do action, else the first such unit."""
    units = policy.scope(user, Org.objects.all(), action)
    for org_id in policy.grant_roots(user):
        unit = units.filter(pk=org_id).first()
        if unit is not None:
            return unit
    return units.order_by("path").first()


def first_cell_for_user(user: Any, action: Action) -> Org | None:
    """Return the first cell, in tree order, where user may do action."""
    cells = policy.scope(user, Org.objects.filter(kind__in=CELL_KINDS), action)
    return cells.order_by("path").first()


def step_choices(
    user: Any, case: Case
) -> tuple[QuerySet[Person], QuerySet[Org], QuerySet[TrainingBatch]]:
    """Return what a step's selects offer: official members of the case's cell, units, batches.

    Units and batches: those in the user's scope, plus the units above the cell (the deciding
    level and the course organisers usually sit there).
    """
    members = (
        step_people(user, case)
        .filter(member_filter(Standing.OFFICIAL))
        .distinct()
        .order_by("sort_key", "pk")
    )
    orgs = step_orgs(user, case).order_by("path")
    batches = step_batches(user, case).order_by("-starts_on", "name")
    return members, orgs, batches


def pool_of_cell(cell: Org, *, show_dropped: bool = False) -> QuerySet[PoolEntry]:
    """Return a cell's pool entries with the date of each one's latest review (active ones
    only unless show_dropped), active first, in name order."""
    entries = (
        PoolEntry.objects.filter(cell=cell)
        .select_related("person")
        .annotate(last_review=Max("review_items__review__reviewed_on"))
        .order_by("status", "person__sort_key", "pk")
    )
    if not show_dropped:
        entries = entries.filter(status=PoolEntry.Status.ACTIVE)
    return entries


def active_pool_of_cell(cell: Org) -> QuerySet[PoolEntry]:
    """Return the entries a monthly review judges: the cell's active ones, in name order."""
    return (
        PoolEntry.objects.filter(cell=cell, status=PoolEntry.Status.ACTIVE)
        .select_related("person")
        .order_by("person__sort_key", "pk")
    )


def pool_candidates_for_user(user: Any, q: str) -> QuerySet[Person]:
    """Return the people who may join a pool: not members, not followed, no open case.

    The people the user may list, matching the search box like the people search.
    """
    qs = policy.scope(user, Person.objects.all(), Action.PERSON_VIEW)
    qs = (
        qs.exclude(member_filter(Standing.OFFICIAL, Standing.PROBATIONARY))
        .exclude(pool_entries__status=PoolEntry.Status.ACTIVE)
        .exclude(cases__outcome="")
    )
    if q.strip():
        qs = matching_query(qs, q)
    return qs.select_related("org").order_by("sort_key", "pk")


def pool_entry_for_user(user: Any, pk: Any, action: Action) -> PoolEntry:
    """Return one pool entry (with its person and cell) the user may act on, or 404."""
    return policy.get_for_user_or_404(
        user, PoolEntry.objects.select_related("person", "cell"), action, pk=pk
    )


__all__ = [
    "active_pool_of_cell",
    "default_unit_for_user",
    "first_cell_for_user",
    "pool_candidates_for_user",
    "pool_entry_for_user",
    "pool_of_cell",
    "step_batches",
    "step_choices",
    "step_orgs",
    "step_people",
    "transfer_targets",
]
