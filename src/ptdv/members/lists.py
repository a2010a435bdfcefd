"""Reads behind the member pages and the members API: the filtered roll, a member's page and
its timeline, the people who may be entered as existing members. Always scoped by
access.policy; the member page read is logged like a dossier read.

A selector module beside `members.selectors` (decision D33): the roll and the page are read by
the pages and the API alike (one filter per list, D22).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ptdv.access import policy
from ptdv.access.policy import Action
from ptdv.access.services import log_read
from ptdv.core.text import prefix_upper_bound
from ptdv.members.models import EventKind, MemberEvent, Membership, Standing
from ptdv.members.selectors import standing_of, standings_of
from ptdv.members.watch import WATCH_FILTERS, watched_ids
from ptdv.orgs.models import Org
from ptdv.people.models import Person
from ptdv.people.selectors import matching_query, org_in_scope

PAGE_SIZE = 50

# The age bands of the statistical reports (DOMAIN §6.2: 18–30, then 5-year bands); the last
# one is open. Key -> (youngest, oldest or None), ages in whole years on the day of the list.
AGE_BANDS: dict[str, tuple[int, int | None]] = {
    "18-30": (18, 30),
    "31-35": (31, 35),
    "36-40": (36, 40),
    "41-45": (41, 45),
    "46-50": (46, 50),
    "51-55": (51, 55),
    "56-60": (56, 60),
    "61+": (61, None),
}

# The status filter: by default the current members (probationary and official).
STATUS_CURRENT = ""
STATUS_ALL = "all"
STATUS_CHOICES: list[tuple[str, Any]] = [
    (STATUS_CURRENT, _("Đảng viên hiện tại (dự bị và chính thức)")),
    (Standing.PROBATIONARY, Standing.PROBATIONARY.label),
    (Standing.OFFICIAL, Standing.OFFICIAL.label),
    (Standing.LEFT, Standing.LEFT.label),
    (STATUS_ALL, _("Tất cả, kể cả đã ra khỏi Đảng")),
]
_STATUSES: dict[str, list[str]] = {
    STATUS_CURRENT: [Standing.PROBATIONARY, Standing.OFFICIAL],
    Standing.PROBATIONARY: [Standing.PROBATIONARY],
    Standing.OFFICIAL: [Standing.OFFICIAL],
    Standing.LEFT: [Standing.LEFT],
    STATUS_ALL: [Standing.PROBATIONARY, Standing.OFFICIAL, Standing.LEFT],
}
# Which events the member page and the API record, and the action each needs: the cell
# records exemptions; the committee decides the exits (decision D33). Entry, recognition and
# transfers come from their own flows.
RECORDABLE_KINDS: dict[str, Action] = {
    EventKind.EXEMPT_START: Action.MEMBER_RECORD,
    EventKind.EXEMPT_END: Action.MEMBER_RECORD,
    EventKind.PROBATION_DELETED: Action.MEMBER_DECIDE,
    EventKind.REMOVED: Action.MEMBER_DECIDE,
    EventKind.EXPELLED: Action.MEMBER_DECIDE,
    EventKind.RESIGNED: Action.MEMBER_DECIDE,
    EventKind.DIED: Action.MEMBER_DECIDE,
}


def recordable_kinds(user: Any, membership: Membership) -> list[str]:
    """Return the event kinds the user may record on this membership."""
    allowed = policy.allowed_actions(user, membership, set(RECORDABLE_KINDS.values()))
    return [kind for kind, action in RECORDABLE_KINDS.items() if action in allowed]


# The person's reference-list fields a list filters on, by code.
REFERENCE_FILTERS = ("ethnic_group", "religion", "education", "theory_level", "occupation")


@dataclass(frozen=True)
class MemberFilters:
    """What the member list page and the API filter on; empty values mean "any".

    `unit`: a unit the caller found in the user's scope, or its id (looked up in that scope:
    absent and out of scope both find nobody); its whole subtree, by the current tree path of
    the member's cell. Reference fields take the list's code ("01" for Kinh).
    """

    q: str = ""
    unit: Org | int | None = None
    status: str = STATUS_CURRENT
    sex: str = ""
    age_band: str = ""
    ethnic_group: str = ""
    religion: str = ""
    education: str = ""
    theory_level: str = ""
    occupation: str = ""
    party_age_from: int | None = None
    party_age_to: int | None = None
    away: bool | None = None
    watch: str = ""  # a key of members.watch.WATCH_FILTERS

    def reference_codes(self) -> dict[str, str]:
        return {name: getattr(self, name) for name in REFERENCE_FILTERS if getattr(self, name)}


def years_before(day: date, years: int) -> date:
    """Return the same calendar day `years` earlier (29/02 falls back to 28/02)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def _age_filter(band: str, today: date) -> Q:
    youngest, oldest = AGE_BANDS[band]
    condition = Q(person__birth_date__lte=years_before(today, youngest))
    if oldest is not None:
        condition &= Q(person__birth_date__gt=years_before(today, oldest + 1))
    return condition


def _party_age_filter(first: int | None, last: int | None, today: date) -> Q:
    # Approximated in SQL by the membership's admission decision date: the gaps that party age
    # does not count (transfer gaps, DOMAIN §4) are not deducted here, and a re-admitted
    # member's earlier membership is not added. The member page shows the exact party age once
    # the seniority rule lands.
    condition = Q()
    if first is not None:
        condition &= Q(decision_on__lte=years_before(today, first))
    if last is not None:
        condition &= Q(decision_on__gt=years_before(today, last + 1))
    return condition


def no_members() -> QuerySet[Membership]:
    """Return an empty roll (a filter naming an unknown unit finds nobody)."""
    return Membership.objects.none()


def member_roots_for(user: Any) -> list[Org]:
    """Return the units whose subtrees make the user's member scope (the whole tree's roots
    for the deployment's administrator)."""
    orgs = Org.objects.filter(pk__in=policy.grant_roots(user), valid_to__isnull=True)
    if getattr(user, "is_superuser", False):
        orgs = Org.objects.filter(depth=1, valid_to__isnull=True)
    roots = sorted(
        (o for o in orgs if policy.can(user, Action.MEMBER_VIEW, o)), key=lambda o: o.path
    )
    # A unit inside another listed one is already covered.
    return [o for i, o in enumerate(roots) if not any(o.path.startswith(r.path) for r in roots[:i])]


def members_for_user(user: Any, filters: MemberFilters, *, today: date) -> QuerySet[Membership]:
    """Return the memberships the user may list, filtered, in Vietnamese name order.

    Only the columns the list shows are loaded, with the person and the cell joined: one query
    for a page of the roll. The list page and the API both call this.
    """
    qs = policy.scope(user, Membership.objects.all(), Action.MEMBER_VIEW)
    unit = filters.unit
    if isinstance(unit, int):
        unit = org_in_scope(user, unit, Action.MEMBER_VIEW)
        if unit is None:
            return no_members()
    if unit is not None:
        qs = qs.filter(cell__path__gte=unit.path, cell__path__lt=prefix_upper_bound(unit.path))
    qs = qs.filter(status__in=_STATUSES.get(filters.status, _STATUSES[STATUS_CURRENT]))
    if filters.q.strip():
        qs = qs.filter(person__in=matching_query(Person.objects.all(), filters.q).values("pk"))
    if filters.sex:
        qs = qs.filter(person__sex=filters.sex)
    if filters.age_band in AGE_BANDS:
        qs = qs.filter(_age_filter(filters.age_band, today))
    for name, code in filters.reference_codes().items():
        qs = qs.filter(**{f"person__{name}__code": code})
    if filters.party_age_from is not None or filters.party_age_to is not None:
        qs = qs.filter(_party_age_filter(filters.party_age_from, filters.party_age_to, today))
    if filters.away is not None:
        qs = qs.filter(away_without_transfer=filters.away)
    if filters.watch in WATCH_FILTERS:
        roots = [unit] if unit is not None else member_roots_for(user)
        qs = qs.filter(pk__in=watched_ids(roots, filters.watch, today))
    return (
        qs.select_related("person", "cell")
        .only(
            "id",
            "status",
            "decision_on",
            "joined_on",
            "official_on",
            "left_on",
            "away_without_transfer",
            "person__id",
            "person__full_name",
            "person__birth_date",
            "person__sex",
            "cell__id",
            "cell__name",
            "cell__parent_name",
        )
        .order_by("sort_key", "pk")
    )


# --- one member's page -----------------------------------------------------------------------

_PAGE_RELATED = ("person", "person__org", "cell", "temp_cell", "previous")


def get_member_page(user: Any, pk: Any, request: HttpRequest | None = None) -> Membership:
    """Return one membership for its page (or the API's detail), or 404; the read is logged."""
    membership = policy.get_for_user_or_404(
        user, Membership.objects.select_related(*_PAGE_RELATED), Action.MEMBER_VIEW, pk=pk
    )
    log_read(user=user, obj=membership, request=request)
    return membership


def membership_for_user(user: Any, pk: Any, action: Action) -> Membership:
    """Return one membership the user may do action on, or 404; not logged (forms)."""
    return policy.get_for_user_or_404(
        user, Membership.objects.select_related("person", "cell"), action, pk=pk
    )


def event_for_user(user: Any, pk: Any, action: Action) -> MemberEvent:
    """Return one event of a membership the user may do action on, or 404."""
    return policy.get_for_user_or_404(
        user,
        MemberEvent.objects.select_related("membership", "membership__person", "cell"),
        action,
        pk=pk,
    )


def events_of(membership: Membership) -> list[MemberEvent]:
    """Return every stored event of a membership (corrections and voided ones included), in
    the order they happened, with what the timeline shows joined."""
    return list(
        MemberEvent.objects.filter(membership=membership)
        .select_related("cell", "other_cell", "actor")
        .order_by("on", "pk")
    )


@dataclass(frozen=True)
class TimelineEntry:
    """One line of a member's timeline: the event, and whether a later one replaced it."""

    event: MemberEvent
    corrected_by: MemberEvent | None  # the correction in force instead (struck through)
    voided_by: MemberEvent | None  # the VOIDED event that cancelled it
    corrects: MemberEvent | None  # the event this one replaces

    @property
    def in_force(self) -> bool:
        return self.corrected_by is None and self.voided_by is None


def timeline_of(events: list[MemberEvent]) -> list[TimelineEntry]:
    """Return the timeline entries of a membership's events: each recorded event once, with
    the correction or the voiding that replaced it; voiding events are shown on the event
    they cancel, not as lines of their own."""
    by_pk = {e.pk: e for e in events}
    replacement = {e.supersedes_id: e for e in events if e.supersedes_id is not None}
    entries = []
    for event in events:
        if event.kind == EventKind.VOIDED:
            continue
        later = replacement.get(event.pk)
        entries.append(
            TimelineEntry(
                event=event,
                corrected_by=later if later and later.kind != EventKind.VOIDED else None,
                voided_by=later if later and later.kind == EventKind.VOIDED else None,
                corrects=by_pk.get(event.supersedes_id) if event.supersedes_id else None,
            )
        )
    return entries


def voidings_of(events: list[MemberEvent]) -> list[MemberEvent]:
    """Return the VOIDED events (each cancels the event it supersedes)."""
    return [e for e in events if e.kind == EventKind.VOIDED]


@dataclass(frozen=True)
class CaseLink:
    pk: int
    visible: bool


def admission_case_of(user: Any, membership: Membership) -> CaseLink | None:
    """Return the admission case that created this membership, if any, and whether the user
    may open it. Read through the reverse relation the pipeline declares (members does not
    import the pipeline)."""
    row = (
        Membership.objects.filter(pk=membership.pk, case__isnull=False)
        .values_list("case__pk", "case__cell_path")
        .first()
    )
    if row is None:
        return None
    case_pk, cell_path = row
    return CaseLink(case_pk, policy.can_at_path(user, Action.CASE_VIEW, cell_path))


def person_panel(user: Any, person: Person) -> dict[str, Any]:
    """Return what the person page shows of the party standing: its label, the membership's
    page and the admission case's page, each only when the user may open it."""
    standing = standing_of(person.pk)
    membership = standing.membership
    membership_url = case_url = None
    if membership is not None:
        if policy.can(user, Action.MEMBER_VIEW, membership):
            membership_url = reverse("members:detail", args=[membership.pk])
        case = admission_case_of(user, membership)
        if case is not None and case.visible:
            case_url = reverse("pipeline:case-detail", args=[case.pk])
    return {"label": standing.label, "membership_url": membership_url, "case_url": case_url}


def standing_labels(person_ids: list[int]) -> dict[int, str]:
    """Return each person's standing label (quần chúng when absent), in one query."""
    standings = standings_of(person_ids)
    return {pk: str(Standing(standings.get(pk, Standing.NONE)).label) for pk in person_ids}


def people_for_entry(user: Any) -> QuerySet[Person]:
    """Return the people whose membership the user may enter: their MEMBER_DECIDE scope (the
    registry refuses a second active membership, naming the field)."""
    return policy.scope(user, Person.objects.all(), Action.MEMBER_DECIDE)


def enterable_people(user: Any, q: str) -> QuerySet[Person]:
    """Return the people a search offers for entry: in scope and not members today (a former
    member is entered with a link to the earlier membership)."""
    people = people_for_entry(user).exclude(
        memberships__status__in=[Standing.PROBATIONARY, Standing.OFFICIAL]
    )
    if q.strip():
        people = matching_query(people, q)
    return people.select_related("org").order_by("sort_key", "pk")


__all__ = [
    "AGE_BANDS",
    "PAGE_SIZE",
    "RECORDABLE_KINDS",
    "STATUS_CHOICES",
    "MemberFilters",
    "TimelineEntry",
    "admission_case_of",
    "enterable_people",
    "event_for_user",
    "events_of",
    "get_member_page",
    "members_for_user",
    "membership_for_user",
    "no_members",
    "people_for_entry",
    "person_panel",
    "recordable_kinds",
    "standing_labels",
    "timeline_of",
]
