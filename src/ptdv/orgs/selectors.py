"""Reads of the organisation tree for pages: always scoped, counts without N+1."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Substr
from django.utils import timezone

from ptdv.access import policy
from ptdv.core import memo
from ptdv.core.text import fold, prefix_upper_bound, search_terms
from ptdv.orgs.models import ALLOWED_PARENT_KINDS, CELL_KINDS, Org, OrgKind, OrgSpan
from ptdv.orgs.rules import OrgFacts

# Search folds names in Python (accent-insensitive, ptdv.core.text.fold) because Org has no
# folded column. That is acceptable for the tree of one province (a few thousand units), so
# the scan is bounded: at most SEARCH_SCAN_LIMIT units of the user's scope are read (only four
# short columns) and at most SEARCH_RESULT_LIMIT matches are shown. A national deployment
# needs an indexed folded column, as people.Person has; the page says when the scan was cut.
SEARCH_SCAN_LIMIT = 20_000
SEARCH_RESULT_LIMIT = 100


@dataclass
class TreeNode:
    """One unit as the tree shows it, with counts of the units under it."""

    org: Org
    children_count: int  # direct sub-units
    subtree_count: int  # every unit under it, at any depth (itself excluded)


@dataclass(frozen=True)
class SearchResult:
    units: list[Org]
    truncated: bool  # more matches than shown, or the scan limit was reached


def _visible(qs: QuerySet[Org], show_dissolved: bool) -> QuerySet[Org]:
    return qs if show_dissolved else qs.filter(valid_to__isnull=True)


def with_counts(orgs: list[Org], *, show_dissolved: bool) -> list[TreeNode]:
    """Return orgs as tree nodes with their counts: one GROUP BY query per depth present.

    Every descendant's path starts with its ancestor's path, so grouping the descendants of
    same-depth units by the first depth*steplen characters of their path yields, per unit, the
    size of its subtree and (depth + 1 rows) its number of children, in one indexed range scan.
    """
    counts: dict[int, tuple[int, int]] = {}
    by_depth: dict[int, list[Org]] = defaultdict(list)
    for org in orgs:
        by_depth[org.depth].append(org)
    for depth, group in by_depth.items():
        by_path = {org.path: org for org in group}
        descendants = _visible(
            Org.objects.subtree_of_paths(list(by_path)).filter(depth__gt=depth), show_dissolved
        )
        rows = (
            descendants.annotate(prefix=Substr("path", 1, depth * Org.steplen))
            .values("prefix")
            .annotate(total=Count("pk"), direct=Count("pk", filter=Q(depth=depth + 1)))
            .order_by()
        )
        for row in rows:
            counts[by_path[row["prefix"]].pk] = (row["direct"], row["total"])
    return [TreeNode(org, *counts.get(org.pk, (0, 0))) for org in orgs]


def children_of(parents: list[Org], *, show_dissolved: bool) -> dict[int, list[Org]]:
    """Return the direct sub-units of each parent, in tree order: one query."""
    result: dict[int, list[Org]] = {p.pk: [] for p in parents}
    if not parents:
        return result
    condition = Q(pk__in=[])
    for parent in parents:
        condition |= Q(
            path__gt=parent.path,
            path__lt=prefix_upper_bound(parent.path),
            depth=parent.depth + 1,
        )
    by_path = {p.path: p.pk for p in parents}
    for child in _visible(Org.objects.filter(condition), show_dissolved).order_by("path"):
        result[by_path[child.path[: -Org.steplen]]].append(child)
    return result


def child_nodes(org: Org, *, show_dissolved: bool) -> list[TreeNode]:
    """Return the direct sub-units of org with their counts: two queries."""
    return with_counts(
        children_of([org], show_dissolved=show_dissolved)[org.pk], show_dissolved=show_dissolved
    )


def org_for_user(user: Any, pk: Any, action: policy.Action) -> Org:
    """Return the unit with this id if the user may do action there, or 404."""
    return policy.get_for_user_or_404(user, Org.objects.all(), action, pk=pk)


def with_parent_ids(qs: QuerySet[Org]) -> QuerySet[Org]:
    """Return qs annotated with parent_pk: the parent's path is the row's path minus its last
    step (the API shows each unit's parent id)."""
    parent_path = Substr(OuterRef("path"), 1, (OuterRef("depth") - 1) * Org.steplen)
    return qs.annotate(parent_pk=Subquery(Org.objects.filter(path=parent_path).values("pk")[:1]))


def org_with_parent_for_user(user: Any, pk: Any, action: policy.Action) -> Org:
    """Return the unit with this id, annotated with parent_pk, if the user may do action
    there, or 404."""
    return policy.get_for_user_or_404(user, with_parent_ids(Org.objects.all()), action, pk=pk)


def tree_roots(user: Any, *, show_dissolved: bool) -> list[Org]:
    """Return where the user's tree starts: their grant units (none nested in another), or the
    roots of the whole tree for a superuser."""
    if getattr(user, "is_superuser", False):
        return list(_visible(Org.objects.filter(depth=1), show_dissolved).order_by("path"))
    ids = policy.grant_roots(user)
    if not ids:
        return []
    units = policy.scope(user, Org.objects.filter(pk__in=ids), policy.Action.ORG_VIEW)
    roots: list[Org] = []
    for org in units.order_by("path"):
        # A grant under another grant adds nothing to the tree: its unit is already shown.
        if not roots or not org.path.startswith(roots[-1].path):
            roots.append(org)
    return roots


def tree_for_user(user: Any, *, show_dissolved: bool) -> list[TreeNode]:
    """Return the user's roots with their counts, collapsed: two queries (plus the grants)."""
    return with_counts(
        tree_roots(user, show_dissolved=show_dissolved), show_dissolved=show_dissolved
    )


@dataclass(frozen=True)
class OrgFilters:
    """What the tree page's search and the API list filter on; empty values mean "any"."""

    q: str = ""  # every word, accents and case ignored, in the name, short name or code
    parent: int | None = None  # only the direct sub-units of this unit
    under: int | None = None  # this unit and everything under it
    kind: str = ""
    field: str = ""
    active: bool | None = None  # active today (True), or not (False)
    show_dissolved: bool = True  # False: units still in existence (valid_to empty) only


def _unit_terms(query: str) -> list[str]:
    """Return the folded words of a unit search. Words are split on spaces only, so that a
    code's punctuation counts ("thptdh-" finds THPTDH-TT, not THPTDH); a word without any
    letter or digit is dropped."""
    return [w for w in dict.fromkeys(fold(query).split()) if any(c.isalnum() for c in w)]


def _matching(user: Any, filters: OrgFilters) -> tuple[QuerySet[Org], bool]:
    """Return the units in the user's scope that match filters, and whether the name search
    stopped at SEARCH_SCAN_LIMIT before reading every candidate."""
    qs = _visible(
        policy.scope(user, Org.objects.all(), policy.Action.ORG_VIEW), filters.show_dissolved
    )
    if filters.parent is not None:
        parent = Org.objects.filter(pk=filters.parent).values_list("path", "depth").first()
        if parent is None:
            return qs.none(), False
        path, depth = parent
        qs = qs.filter(path__gt=path, path__lt=prefix_upper_bound(path), depth=depth + 1)
    if filters.under is not None:
        root = Org.objects.filter(pk=filters.under).values_list("path", flat=True).first()
        if root is None:
            return qs.none(), False
        qs = qs.filter(path__gte=root, path__lt=prefix_upper_bound(root))
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.field:
        qs = qs.filter(field=filters.field)
    if filters.active is not None:
        active = Org.objects.active_on(timezone.localdate()).values("pk")
        qs = qs.filter(pk__in=active) if filters.active else qs.exclude(pk__in=active)
    terms = _unit_terms(filters.q)
    if not terms:
        return qs, False
    # Names are folded in Python (bounded scan, see SEARCH_SCAN_LIMIT): Org has no folded column.
    rows = list(
        qs.order_by("path").values_list("pk", "name", "short_name", "code")[: SEARCH_SCAN_LIMIT + 1]
    )
    matches = [
        pk
        for pk, name, short_name, code in rows[:SEARCH_SCAN_LIMIT]
        if all(term in fold(f"{name} {short_name} {code}") for term in terms)
    ]
    return Org.objects.filter(pk__in=matches), len(rows) > SEARCH_SCAN_LIMIT


def orgs_for_user(user: Any, filters: OrgFilters) -> QuerySet[Org]:
    """Return the units in the user's scope matching filters, in tree order (the API list)."""
    return _matching(user, filters)[0].order_by("path")


def search_units(user: Any, query: str, *, show_dissolved: bool) -> SearchResult:
    """Return units in the user's scope whose name, short name or code contain every word of
    query, ignoring accents and case (bounded scan, see SEARCH_SCAN_LIMIT): the tree page's
    search, with the same filter as the API list."""
    if not _unit_terms(query):
        return SearchResult([], False)
    qs, truncated = _matching(user, OrgFilters(q=query, show_dissolved=show_dissolved))
    units = list(qs.order_by("path")[: SEARCH_RESULT_LIMIT + 1])
    if len(units) > SEARCH_RESULT_LIMIT:
        truncated = True
        units = units[:SEARCH_RESULT_LIMIT]
    return SearchResult(units, truncated)


def ancestors_of(org: Org) -> list[Org]:
    """Return the ancestors of org, root first: one query on the indexed path."""
    paths = org.ancestor_paths
    return list(Org.objects.filter(path__in=paths).order_by("path")) if paths else []


def grassroots_committee_of(org: Org) -> Org | None:
    """Return the nearest đảng bộ cơ sở above the unit (its committee votes on the unit's
    cases and rates its members), or None; one query on the indexed path."""
    return (
        Org.objects.filter(path__in=org.ancestor_paths, kind=OrgKind.GRASSROOTS_COMMITTEE)
        .order_by("-depth")
        .first()
    )


def people_count(org: Org) -> int:
    """Return how many people are managed anywhere in org's subtree."""
    # Through the reverse relation: orgs must not import the people app (apps import downward).
    return int(Org.objects.subtree(org).aggregate(n=Count("people"))["n"])


def org_facts(org: Org) -> OrgFacts:
    """Return the plain facts the admission-authority rule reads from a unit."""
    return OrgFacts(
        id=org.pk,
        name=org.name,
        kind=org.kind,
        vested_superior_powers=org.vested_superior_powers,
        admission_delegated=org.admission_delegated,
        admission_delegated_from=org.admission_delegated_from,
        deciding_body=org.deciding_body,
    )


def kinds_of_children(org: Org) -> set[str]:
    """Return the kinds of the units directly under org."""
    # By path rather than treebeard's get_children(), which trusts the instance's numchild.
    children = Org.objects.subtree(org).filter(depth=org.depth + 1)
    return set(children.values_list("kind", flat=True).distinct())


def move_candidates(user: Any, org: Org, *, today: date) -> QuerySet[Org]:
    """Return the units org may be moved under by user: in the user's ORG_MOVE scope, active,
    of a kind that may hold org, outside org's own subtree and not its current parent."""
    allowed = [k for k in ALLOWED_PARENT_KINDS[org.kind] if k is not None]
    parent_path = org.path[: -Org.steplen]
    return (
        policy.scope(user, Org.objects.active_on(today), policy.Action.ORG_MOVE)
        .filter(kind__in=allowed)
        .exclude(path__gte=org.path, path__lt=prefix_upper_bound(org.path))
        .exclude(path=parent_path)
        .order_by("path")
    )


# --- the unit picker (decision D23) -----------------------------------------------------------

PICKER_LIMIT = 20


@dataclass(frozen=True)
class UnitSource:
    """Which units a picker offers.

    `action`: the user must be allowed it on the unit. `kinds`: only these kinds. `active`:
    only units existing today. `anchor` names a unit the offer depends on, resolved through
    `anchor_action` scoping: "under" keeps the anchor's subtree, "above" adds the anchor's
    ancestors (the committees above a cell decide for it), "except" leaves the anchor out (a
    record's current unit), "move" offers where the anchor may be moved (move_candidates).
    """

    action: policy.Action
    kinds: frozenset[str] | None = None
    active: bool = False
    anchor: str = ""
    anchor_action: policy.Action | None = None


UNIT_SOURCES: dict[str, UnitSource] = {
    "people": UnitSource(policy.Action.PERSON_VIEW),
    "people-create": UnitSource(policy.Action.PERSON_CREATE, active=True),
    "people-move": UnitSource(
        policy.Action.PERSON_EDIT,
        active=True,
        anchor="except",
        anchor_action=policy.Action.PERSON_EDIT,
    ),
    "cases": UnitSource(policy.Action.CASE_VIEW),
    "cells": UnitSource(policy.Action.CASE_VIEW, kinds=CELL_KINDS),
    "cells-under": UnitSource(
        policy.Action.CASE_VIEW,
        kinds=CELL_KINDS,
        anchor="under",
        anchor_action=policy.Action.CASE_VIEW,
    ),
    # The receiving cell of a member transfer (members.transfer_forms).
    "member-transfer": UnitSource(policy.Action.MEMBER_VIEW, kinds=CELL_KINDS, active=True),
    "case-step": UnitSource(
        policy.Action.CASE_VIEW, anchor="above", anchor_action=policy.Action.CASE_VIEW
    ),
    "org-move": UnitSource(
        policy.Action.ORG_MOVE, anchor="move", anchor_action=policy.Action.ORG_MOVE
    ),
    # The member registry (decision D33): the roll's unit filter; the cell a member is entered in.
    "members": UnitSource(policy.Action.MEMBER_VIEW),
    "member-cells": UnitSource(policy.Action.MEMBER_DECIDE, kinds=CELL_KINDS, active=True),
}


def picker_anchor(user: Any, source: UnitSource, anchor_id: Any) -> Org | None:
    """Return the anchor unit named by anchor_id if the user may use it, else None."""
    if not source.anchor or source.anchor_action is None:
        return None
    try:
        return policy.scope(user, Org.objects.all(), source.anchor_action).get(pk=int(anchor_id))
    except (Org.DoesNotExist, TypeError, ValueError):
        return None


def picker_units(
    user: Any, source: UnitSource, *, anchor: Org | None, today: date
) -> QuerySet[Org]:
    """Return every unit the picker may offer (and accept) for user: the choice is validated
    against this queryset, so an absent and a forbidden id are refused alike."""
    if source.anchor and anchor is None:
        return Org.objects.none()
    if source.anchor == "move":
        assert anchor is not None
        return move_candidates(user, anchor, today=today)
    units = policy.scope(user, Org.objects.all(), source.action)
    if source.anchor == "above":
        assert anchor is not None
        units = units | Org.objects.filter(path__in=anchor.ancestor_paths)
    elif source.anchor == "under":
        assert anchor is not None
        units = units.filter(path__gte=anchor.path, path__lt=prefix_upper_bound(anchor.path))
    elif source.anchor == "except":
        assert anchor is not None
        units = units.exclude(pk=anchor.pk)
    if source.kinds is not None:
        units = units.filter(kind__in=source.kinds)
    if source.active:
        units = units.filter(valid_from__lte=today).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gt=today)
        )
    return units


def units_matching(
    user: Any,
    q: str,
    *,
    source: UnitSource,
    anchor: Org | None = None,
    today: date,
    limit: int = PICKER_LIMIT,
) -> tuple[list[Org], bool]:
    """Return (up to limit units the picker offers where every word of q begins a word of
    the name, short name, code or parent's name, accents and case ignored; whether there
    are more).

    One query: the scope is an indexed path range, the words are matched in SQL on the
    stored folded column (Org.search_text). An empty q lists the first units in tree order.
    """
    units = picker_units(user, source, anchor=anchor, today=today)
    for term in search_terms(q):
        # Every word typed must begin a word of the unit's names (see Org.folded_search_text).
        units = units.filter(search_text__contains=f" {term}")
    found = list(
        units.order_by("path").only(
            "id", "name", "parent_name", "path", "depth", "kind", "valid_to"
        )[: limit + 1]
    )
    return found[:limit], len(found) > limit


# --- the dated tree (decision D28) -----------------------------------------------------------


def span_on(org: Org, day: date) -> OrgSpan | None:
    """Return where org stood and what it was called on day; None if it did not exist. Read
    once inside `memo.reading()` (a page whose parts each place the unit)."""
    return memo.once(
        ("span on", org.pk, day), lambda: OrgSpan.objects.filter(org_id=org.pk).on(day).first()
    )


def units_under_on(org: Org, day: date) -> QuerySet[OrgSpan]:
    """Return the spans in force on day of org and every unit under it as the tree stood on
    day, in tree order; empty when org did not exist on day."""
    span = span_on(org, day)
    if span is None:
        return OrgSpan.objects.none()
    return OrgSpan.objects.on(day).under(span.path).order_by("path")


@dataclass(frozen=True)
class UnitCounts:
    """How many units of each kind a subtree held on one day (the unit itself included)."""

    grassroots_total: int  # tổ chức cơ sở đảng: đảng bộ cơ sở + chi bộ cơ sở
    grassroots_committees: int  # đảng bộ cơ sở
    grassroots_cells: int  # chi bộ cơ sở
    cells: int  # chi bộ trực thuộc
    sub_committees: int  # đảng bộ bộ phận
    by_kind: dict[str, int]  # every OrgKind value, 0 when absent


def unit_counts_on(org: Org, day: date) -> UnitCounts:
    """Return the units under org on day by kind, org itself counted in its own kind (one query)."""
    rows = units_under_on(org, day).values("kind").annotate(n=Count("pk")).order_by()
    by_kind = {kind.value: 0 for kind in OrgKind}
    for row in rows:
        by_kind[row["kind"]] = row["n"]
    committees = by_kind[OrgKind.GRASSROOTS_COMMITTEE]
    grassroots_cells = by_kind[OrgKind.GRASSROOTS_CELL]
    return UnitCounts(
        grassroots_total=committees + grassroots_cells,
        grassroots_committees=committees,
        grassroots_cells=grassroots_cells,
        cells=by_kind[OrgKind.CELL],
        sub_committees=by_kind[OrgKind.SUB_COMMITTEE],
        by_kind=by_kind,
    )


def tree_on(org: Org, day: date) -> list[OrgSpan]:
    """Return the units under org (not org itself) as they stood on day, in tree order.

    Each span carries its name, kind and depth of that day; span.depth minus the depth of
    org's span gives the indentation, span.parent_id the parent of that day.
    """
    return [s for s in units_under_on(org, day).select_related("org") if s.org_id != org.pk]
