"""Load the demo province: the organisation tree, a few thousand people and one user per role.

Units are created through `orgs.services` (history, paths, reorganisation as in real use).
People are bulk-inserted: this is the one documented exception to "only bench/ bulk-inserts"
(STYLE.md §3), because `make run` must load the demo within its three-minute start budget
and 3,200 `create_person` calls take several times longer than one `bulk_create`. The
exception is kept honest: every record goes through `people.services`' own validation and
derivation (`clean_values`, `derive_names`), gets the same name tokens, and gets the same "+"
history row with the same user and reason; tests/demo compares a bulk-inserted person with
one made by `create_person`.

Everything depends only on the seed: the tree is fixed, people come from one
`random.Random(seed)`, so two loads with the same seed give the same names and CCCD numbers.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.db.models import ProtectedError, RestrictedError
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from ptdv.access.models import AccessLog, RoleGrant, User
from ptdv.access.services import grant_role
from ptdv.core.text import search_terms
from ptdv.demo import history, names, structure
from ptdv.demo.logins import DEMO_PASSWORD, DEMO_USERNAMES, DEMO_USERS
from ptdv.demo.profiles import ETHNIC_MIXES, PROFILES, RESIDENTIAL_PROFILES, ROLES, Role, W
from ptdv.demo.targets import create_demo_targets
from ptdv.demo.units import (
    DELEGATED_BODY,
    DELEGATED_FROM,
    DONG_HA,
    PROVINCE_CODE,
    REORGANISED_ON,
    Area,
    Unit,
)
from ptdv.members import models as registry
from ptdv.members.services import stats, treecounts
from ptdv.orgs.models import CELL_KINDS, GRASSROOTS_KINDS, Org, OrgKind, OrgSpan
from ptdv.orgs.services import create_org, dissolve_org, move_org
from ptdv.people.models import (
    Conscription,
    EducationLevel,
    EthnicGroup,
    Occupation,
    Person,
    PersonNameToken,
    Qualification,
    Religion,
    TheoryLevel,
)

# Shared with people.services on purpose: bulk-inserted people must be derived identically.
from ptdv.people.services import clean_values, derive_names
from ptdv.pipeline.models import (
    Case,
    Certificate,
    Mentor,
    PoolEntry,
    PoolReview,
    PoolReviewItem,
    Step,
    TrainingBatch,
)
from ptdv.targets.models import Target

DEFAULT_SEED = 2025
DEFAULT_PEOPLE = 3200
# The year the demo pretends to be in: ages (Youth Union membership) are computed against it,
# not against the clock, so the data does not change from one day to the next.
REFERENCE_YEAR = 2025
PROVINCE = "tỉnh Quảng Trị"

WORKPLACE_NAMES = {"QT-CA": "Công an tỉnh Quảng Trị", "QT-QS": "Bộ Chỉ huy Quân sự tỉnh"}
UNIT_PREFIXES = ("Đảng bộ ", "Chi bộ ")


class DemoRefused(Exception):
    """The database is not in a state where the demo may be loaded or removed."""


@dataclass(frozen=True)
class Placed:
    """A created unit with what the people generator needs to know about it."""

    org: Org
    profile: str
    area: Area
    place: str
    weight: float
    workplace: str


@dataclass(frozen=True)
class DemoSummary:
    orgs: int
    grassroots: int
    cells: int
    people: int
    users: int
    cases: int = 0


# --- state of the database ---------------------------------------------------------------


def demo_org_codes() -> frozenset[str]:
    """Return every unit code of the demo plan."""
    codes: list[str] = []

    def walk(unit: Unit, prefix: str) -> None:
        code = f"{prefix}-{unit.seg}" if prefix else unit.seg
        codes.append(code)
        for child in unit.children:
            walk(child, code)

    walk(structure.province(), "")
    walk(structure.district(), PROVINCE_CODE)
    return frozenset(codes)


def database_is_empty() -> bool:
    """Return whether there is nothing the demo could collide with."""
    return not (
        Org.objects.exists()
        or Person.objects.exists()
        or User.objects.filter(username__in=DEMO_USERNAMES).exists()
    )


def holds_only_demo_data() -> bool:
    """Return whether every unit and every account in the database belongs to the demo.

    People and records entered through the demo accounts inside demo units count as demo
    data: they can only sit in demo units.
    """
    if User.objects.exclude(username__in=DEMO_USERNAMES).exists():
        return False
    return not Org.objects.exclude(code__in=demo_org_codes()).exists()


def delete_demo_data() -> None:
    """Delete the demo people, units and accounts, with their history and access logs."""
    if not holds_only_demo_data():
        raise DemoRefused(
            _(
                "Cơ sở dữ liệu có dữ liệu không thuộc bộ dữ liệu mẫu (đơn vị hoặc tài khoản khác); "
                "không xóa."
            )
        )
    with transaction.atomic():
        try:
            AccessLog.objects.all().delete()
            # Targets and conscriptions protect the units and people they name.
            Target.objects.all().delete()
            Conscription.objects.all().delete()
            # Pipeline rows first: they protect the people and units they refer to.
            Mentor.objects.all().delete()
            Step.objects.all().delete()
            Case.objects.all().delete()
            PoolReviewItem.objects.all().delete()
            PoolReview.objects.all().delete()
            PoolEntry.objects.all().delete()
            Certificate.objects.all().delete()
            TrainingBatch.objects.all().delete()
            # The registry next: its rows protect people and units too.
            for model in (
                registry.Absence,
                registry.CellMeeting,
                registry.CommitteeMember,
                registry.DuesPayment,
                registry.Rating,
                registry.Transfer,
                registry.MemberPeriod,
            ):
                model.objects.all().delete()
            # Corrections point at what they correct, re-admissions at the earlier membership.
            registry.MemberEvent.objects.filter(supersedes__isnull=False).delete()
            registry.MemberEvent.objects.all().delete()
            registry.Membership.objects.filter(previous__isnull=False).delete()
            registry.Membership.objects.all().delete()
            PersonNameToken.objects.all().delete()
            Person.objects.all().delete()
            # The dated tree's spans protect the units that were their parents.
            OrgSpan.objects.all().delete()
            Org.objects.all().delete()
            User.objects.filter(username__in=DEMO_USERNAMES).delete()
        except (ProtectedError, RestrictedError) as exc:
            raise DemoRefused(
                _("Không xóa được dữ liệu mẫu: còn dữ liệu khác tham chiếu đến nó (%(e)s).")
                % {"e": exc.args[0]}
            ) from exc
        # The demo's history goes with it (the deletions above wrote "-" rows too).
        audited: tuple[Any, ...] = (
            Person,
            Org,
            RoleGrant,
            Case,
            PoolEntry,
            Certificate,
            registry.Membership,
            registry.Transfer,
            registry.Rating,
            registry.CommitteeMember,
            Target,
            Conscription,
        )
        for audited_model in audited:
            audited_model.history.all().delete()


# --- loading --------------------------------------------------------------------------------


# Cases need cells with several official members and candidates; a tiny demo has none.
MIN_PEOPLE_FOR_CASES = 2000


def load_demo(
    *, seed: int = DEFAULT_SEED, people: int = DEFAULT_PEOPLE, today: date
) -> DemoSummary:
    """Create the demo province, its people and its accounts in one transaction."""
    if not database_is_empty():
        raise DemoRefused(_("Cơ sở dữ liệu đã có dữ liệu; dùng --reset để thay bằng dữ liệu mẫu."))
    with transaction.atomic():
        users = _create_users()
        actor = users["quantri"]
        with treecounts.deferred():
            # The tree's counts (D52) once for the whole tree, not once per unit written.
            placed = _create_tree(actor=actor, today=today)
        persons = _generate_people(placed, rng=random.Random(seed), count=people, today=today)
        # A separate generator, so party standing does not disturb the people's own draws.
        standings = history.assign_party_standing(
            persons, rng=random.Random(seed * 7 + 1), today=today
        )
        insert_people(persons, actor=actor)
        history.enter_members(standings, actor=actor, today=today, seed=seed)
        orgs = {p.org.code: p.org for p in placed}
        for spec in DEMO_USERS:
            grant_role(
                user=users[spec.username], role=spec.role, org=orgs[spec.org_code], actor=actor
            )
        if people >= MIN_PEOPLE_FOR_CASES:
            from ptdv.demo.cases import create_demo_cases

            create_demo_cases(rng=random.Random(seed * 11 + 3), actor=actor, today=today)
        create_demo_targets(root=Org.objects.get(depth=1), actor=actor, today=today)
        # As a deployment's monthly `ptdv stats fold` leaves the figures: the base through last
        # month (D46), the rows packed (D57).
        stats.fold((today.replace(day=1) - timedelta(days=1)).replace(day=1))
    return DemoSummary(
        orgs=Org.objects.count(),
        grassroots=Org.objects.filter(kind__in=GRASSROOTS_KINDS).count(),
        cells=Org.objects.filter(kind=OrgKind.CELL).count(),
        people=Person.objects.count(),
        users=len(users),
        cases=Case.objects.count(),
    )


def _create_users() -> dict[str, User]:
    users = {}
    for spec in DEMO_USERS:
        users[spec.username] = User.objects.create_user(
            username=spec.username,
            password=DEMO_PASSWORD,
            full_name=spec.full_name,
            is_staff=spec.is_staff,
            is_superuser=spec.is_superuser,
        )
    return users


def _create_tree(*, actor: User, today: date) -> list[Placed]:
    placed: list[Placed] = []
    province = structure.province()
    root = _create_unit(
        province, parent=None, prefix="", inherited=None, actor=actor, today=today, out=placed
    )
    # The former district, with two units that lived under it until the 2025 reorganisation:
    # they move to the new commune, then the district is dissolved on 30/6/2025.
    district_spec = structure.district()
    district = _create_unit(
        district_spec,
        parent=root,
        prefix=root.code,
        inherited=None,
        actor=actor,
        today=today,
        out=placed,
    )
    commune = Org.objects.get(code=f"{root.code}-CLO")
    # The district level ends with 30/6/2025: from 1/7/2025 its units sit under the new commune
    # (a dissolution's date is the first day the unit no longer exists, D28).
    for child in Org.objects.get(pk=district.pk).get_children():
        move_org(
            org=child,
            new_parent=commune,
            version=child.version,
            actor=actor,
            today=today,
            on_date=REORGANISED_ON,
        )
    district.refresh_from_db()
    dissolve_org(
        org=district,
        on_date=REORGANISED_ON,
        version=district.version,
        actor=actor,
        today=today,
    )
    # Moving changed paths: re-read the units so people are attached to current rows.
    fresh = Org.objects.in_bulk([p.org.pk for p in placed])
    return [
        Placed(fresh[p.org.pk], p.profile, p.area, p.place, p.weight, p.workplace) for p in placed
    ]


def _plain_name(name: str) -> str:
    for prefix in UNIT_PREFIXES:
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


def _create_unit(
    unit: Unit,
    *,
    parent: Org | None,
    prefix: str,
    inherited: Placed | None,
    actor: User,
    today: date,
    out: list[Placed],
) -> Org:
    code = f"{prefix}-{unit.seg}" if prefix else unit.seg
    field = unit.field or (inherited.org.field if inherited else "other")
    area = unit.area or (inherited.area if inherited else DONG_HA)
    values: dict[str, Any] = {
        "name": unit.name,
        "code": code,
        "kind": unit.kind,
        "field": field,
        "valid_from": unit.valid_from,
        "vested_superior_powers": unit.vested,
        "admission_delegated": unit.delegated,
        "admission_delegated_from": DELEGATED_FROM if unit.delegated else None,
        "deciding_body": DELEGATED_BODY if unit.delegated else "",
        "address": "" if unit.kind == OrgKind.CELL else f"{area.name}, {PROVINCE}",
    }
    org = create_org(parent=parent, values=values, actor=actor, today=today)
    if unit.kind == OrgKind.CELL and inherited is not None:
        workplace = inherited.workplace
    else:
        workplace = WORKPLACE_NAMES.get(code, _plain_name(unit.name))
        if inherited is not None and inherited.org.vested_superior_powers:
            workplace = f"{workplace}, {inherited.workplace}"
    here = Placed(
        org=org,
        profile=unit.profile or (inherited.profile if inherited else ""),
        area=area,
        place=unit.place,
        weight=unit.weight,
        workplace=workplace,
    )
    out.append(here)
    for child in unit.children:
        _create_unit(
            child, parent=org, prefix=code, inherited=here, actor=actor, today=today, out=out
        )
    return org


# --- people ---------------------------------------------------------------------------------


def _pick(rng: random.Random, weighted: W) -> str:
    return rng.choices([k for k, _w in weighted], weights=[w for _k, w in weighted])[0]


def _allocate(units: list[Placed], count: int) -> list[int]:
    """Return how many people each unit gets: proportional to weight, largest remainder."""
    total = sum(u.weight for u in units)
    shares = [count * u.weight / total for u in units]
    result = [int(s) for s in shares]
    order = sorted(range(len(units)), key=lambda i: (-(shares[i] - result[i]), i))
    for i in order[: count - sum(result)]:
        result[i] += 1
    return result


class _PeopleMaker:
    """Draws people from one random generator; the order of draws fixes the output."""

    def __init__(
        self,
        rng: random.Random,
        villages: dict[str, list[str]],
        workplaces: dict[tuple[str, str], list[str]],
    ) -> None:
        self.rng = rng
        self.villages = villages
        self.workplaces = workplaces  # (role, commune or "") -> where such people work
        self.ids: set[str] = set()
        self.phones: set[str] = set()
        self.ethnic = {g.code: g for g in EthnicGroup.objects.all()}
        self.religions = {r.code: r for r in Religion.objects.all()}
        self.education = {e.code: e for e in EducationLevel.objects.all()}
        self.qualifications = {q.code: q for q in Qualification.objects.all()}
        self.theory = {t.code: t for t in TheoryLevel.objects.all()}
        self.occupations = {o.code: o for o in Occupation.objects.all()}

    def values(self, unit: Placed) -> dict[str, Any]:
        rng = self.rng
        role_key = _pick(rng, PROFILES[unit.profile])
        role = ROLES[role_key]
        sex = "F" if rng.random() < role.female else "M"
        year = rng.randint(*role.years)
        birth = date(year, 1, 1) + timedelta(days=rng.randrange(365))
        ethnic = _pick(rng, ETHNIC_MIXES[unit.area.ethnic])
        family, middle, given = self._name(sex, year, minority=ethnic != "01")
        card_code = self._card_province(unit, role)
        home = self._home_town(card_code, unit.area)
        place = unit.place or rng.choice(self.villages[unit.area.name])
        residence = f"{place}, {unit.area.name}, {PROVINCE}"
        if unit.profile not in RESIDENTIAL_PROFILES and rng.random() < 0.25:
            other = rng.choice(sorted(self.villages))
            residence = f"{rng.choice(self.villages[other])}, {other}, {PROVINCE}"
        young = REFERENCE_YEAR - year <= 30
        workplace = unit.workplace
        if unit.profile in RESIDENTIAL_PROFILES:
            # Cells of residential areas hold people who work elsewhere in the province.
            nearby = self.workplaces.get((role_key, unit.area.name))
            workplace = rng.choice(nearby or self.workplaces.get((role_key, ""), [workplace]))
        title = rng.choice(role.titles).format(
            unit=workplace,
            place=place,
            place_lower=place[:1].lower() + place[1:],
            area=unit.area.name,
        )
        return {
            "family_name": family,
            "middle_name": middle,
            "given_name": given,
            "sex": sex,
            "birth_date": birth,
            "ethnic_group": self.ethnic[ethnic],
            "religion": self._religion(unit.area, minority=ethnic != "01"),
            "education": self.education[_pick(rng, role.education)],
            "qualification": self.qualifications[_pick(rng, role.qualification)],
            "theory_level": self.theory[_pick(rng, role.theory)],
            "occupation": self.occupations[role.occupation],
            "job_title": title,
            "youth_union_member": young
            and (role.occupation == "hoc_sinh_sinh_vien" or rng.random() < 0.85),
            "trade_union_member": role.trade_union and rng.random() < 0.92,
            "home_town": home,
            "birth_place": home,
            "residence": residence,
            "current_address": residence,
            "national_id": self._national_id(card_code, sex, year),
            "phone": self._phone() if role.years[0] < 2007 or rng.random() < 0.6 else "",
        }

    def _name(self, sex: str, year: int, *, minority: bool) -> tuple[str, str, str]:
        rng = self.rng
        younger = year >= names.YOUNGER_FROM
        family = _pick(rng, names.MINORITY_FAMILY_NAMES if minority else names.FAMILY_NAMES)
        middles = (names.MIDDLE_YOUNGER if younger and not minority else names.MIDDLE_OLDER)[sex]
        givens = (names.GIVEN_YOUNGER if younger else names.GIVEN_OLDER)[sex]
        middle = _pick(rng, middles)
        given = rng.choice(givens)
        while given == middle:
            given = rng.choice(givens)
        return family, middle, given

    def _card_province(self, unit: Placed, role: Role) -> str:
        local = 0.95 if role.occupation == "hoc_sinh_sinh_vien" else 0.82
        if self.rng.random() < local:
            return unit.area.cccd
        return _pick(self.rng, names.OTHER_BIRTH_CODES)

    def _home_town(self, code: str, area: Area) -> str:
        if code == area.cccd and self.rng.random() < 0.6:
            commune = area.name
        else:
            commune = self.rng.choice(names.HOME_TOWNS[code])
        return f"{commune}, {names.PROVINCE_OF_CODE[code]}"

    def _religion(self, area: Area, *, minority: bool) -> Religion | None:
        roll = self.rng.random()
        if roll < area.catholic:
            return self.religions["cong_giao"]
        if minority:
            return self.religions["tin_lanh"] if roll < area.catholic + 0.08 else None
        return self.religions["phat_giao"] if roll < area.catholic + 0.06 else None

    def _national_id(self, province_code: str, sex: str, year: int) -> str:
        """Return a new CCCD number: province, century+sex digit, year of birth, 6 digits."""
        century_sex = (0 if year < 2000 else 2) + (1 if sex == "F" else 0)
        while True:
            number = f"{province_code}{century_sex}{year % 100:02d}{self.rng.randrange(10**6):06d}"
            if number not in self.ids:
                self.ids.add(number)
                return number

    def _phone(self) -> str:
        while True:
            number = f"{self.rng.choice(names.MOBILE_PREFIXES)}{self.rng.randrange(10**7):07d}"
            if number not in self.phones:
                self.phones.add(number)
                return number


def _generate_people(
    placed: list[Placed], *, rng: random.Random, count: int, today: date
) -> list[Person]:
    villages: dict[str, list[str]] = {}
    for p in placed:
        if p.place:
            villages.setdefault(p.area.name, []).append(p.place)
    for p in placed:  # an area without residential units still needs addresses
        villages.setdefault(p.area.name, ["Khu phố 1", "Khu phố 2", "Khu phố 3"])
    # Workplaces by (role, commune), and by (role, "") for the whole province.
    workplaces: dict[tuple[str, str], set[str]] = {}
    for p in placed:
        if p.profile and p.profile not in RESIDENTIAL_PROFILES:
            for role_key, _w in PROFILES[p.profile]:
                workplaces.setdefault((role_key, p.area.name), set()).add(p.workplace)
                workplaces.setdefault((role_key, ""), set()).add(p.workplace)
    units = [p for p in placed if p.org.kind in CELL_KINDS and p.org.valid_to is None]
    maker = _PeopleMaker(rng, villages, {k: sorted(v) for k, v in workplaces.items()})
    result = []
    for unit, n in zip(units, _allocate(units, count), strict=True):
        for _i in range(n):
            result.append(person_from_values(org=unit.org, values=maker.values(unit), today=today))
    return result


def person_from_values(*, org: Org, values: dict[str, Any], today: date) -> Person:
    """Return an unsaved person validated and derived exactly as `create_person` does."""
    person = Person(org=org, **clean_values(values, today=today))
    derive_names(person)
    return person


def insert_people(persons: list[Person], *, actor: User) -> None:
    """Bulk-insert people with their name tokens and the same "+" history as create_person."""
    reason = _("Tạo hồ sơ")
    for person in persons:
        person._history_user = actor  # type: ignore[attr-defined]
        person._change_reason = reason  # type: ignore[attr-defined]
    with transaction.atomic():
        saved = bulk_create_with_history(
            persons, Person, batch_size=500, default_user=actor, default_change_reason=reason
        )
        PersonNameToken.objects.bulk_create(
            [
                PersonNameToken(person=p, token=w[:50])
                for p in saved
                for w in search_terms(f"{p.full_name} {p.other_names}")
            ],
            batch_size=2000,
        )
