"""The one permission module: the role table, subtree scoping and 404 for everything outside."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from ptdv.access import policy
from ptdv.access.models import AccessLog, Role
from ptdv.access.policy import ROLE_ACTIONS, Action
from ptdv.access.services import grant_role
from ptdv.orgs.models import Org, OrgKind
from ptdv.orgs.services import dissolve_org
from ptdv.people.models import Person
from tests.factories import TODAY, make_org, make_user, system_user

READ = {
    Action.ORG_VIEW,
    Action.PERSON_VIEW,
    Action.PERSON_DOSSIER,
    Action.CASE_VIEW,
    Action.MEMBER_VIEW,
}
CELL = READ | {
    Action.PERSON_CREATE,
    Action.PERSON_EDIT,
    Action.HISTORY_VIEW,
    Action.CASE_RECORD,
    Action.MEMBER_RECORD,
}
GRASSROOTS = CELL | {
    Action.ORG_CREATE,
    Action.ORG_EDIT,
    Action.CASE_COMMITTEE,
    Action.MEMBER_DECIDE,
    Action.TARGET_EDIT,
}
BOARD = GRASSROOTS | {
    Action.ORG_SET_AUTHORITY,
    Action.ORG_MOVE,
    Action.ORG_DISSOLVE,
    Action.CASE_DECIDE,
}
ADMIN = BOARD | {Action.ACCESS_LOG_VIEW, Action.GRANT_MANAGE}


@pytest.mark.parametrize(
    ("role", "actions"),
    [
        (Role.VIEWER, READ),
        (Role.CELL_EDITOR, CELL),
        (Role.GRASSROOTS_OFFICER, GRASSROOTS),
        (Role.BOARD_SPECIALIST, BOARD),
        (Role.ADMINISTRATOR, ADMIN),
    ],
)
def test_role_table_grants_exactly_these_actions(role, actions):
    assert set(ROLE_ACTIONS[role]) == actions


def test_role_table_covers_every_role_and_only_administrators_get_every_action():
    assert set(ROLE_ACTIONS) == set(Role.values)
    assert ROLE_ACTIONS[Role.ADMINISTRATOR] == frozenset(Action)


# user → (names of visible orgs, visible people) for the read actions.
VISIBLE = {
    "cell_secretary": ({"cell_a"}, {"person_a"}),
    "viewer": ({"grassroots", "cell_a", "cell_b"}, {"person_a", "person_b"}),
    "grassroots_officer": ({"grassroots", "cell_a", "cell_b"}, {"person_a", "person_b"}),
    "board_specialist": (
        {"province", "commune", "grassroots", "cell_a", "cell_b", "other_grassroots", "other_cell"},
        {"person_a", "person_b", "person_other"},
    ),
    "administrator": (
        {"province", "commune", "grassroots", "cell_a", "cell_b", "other_grassroots", "other_cell"},
        {"person_a", "person_b", "person_other"},
    ),
    "outsider": ({"other_grassroots", "other_cell"}, {"person_other"}),
    "nobody": (set(), set()),
}


def _pks(cast, names):
    return {getattr(cast, name).pk for name in names}


@pytest.mark.parametrize("who", sorted(VISIBLE))
def test_scope_returns_exactly_the_grant_subtrees(cast, who):
    user = cast.users[who]
    orgs, people = VISIBLE[who]
    org_qs = policy.scope(user, Org.objects.all(), Action.ORG_VIEW)
    person_qs = policy.scope(user, Person.objects.all(), Action.PERSON_VIEW)
    assert set(org_qs.values_list("pk", flat=True)) == _pks(cast, orgs)
    assert org_qs.count() == len(orgs)
    assert set(person_qs.values_list("pk", flat=True)) == _pks(cast, people)
    assert person_qs.count() == len(people)


@pytest.mark.parametrize("who", sorted(VISIBLE))
def test_get_for_user_or_404_finds_inside_and_404s_outside(cast, who):
    user = cast.users[who]
    orgs, people = VISIBLE[who]
    for name in ("province", "grassroots", "cell_a", "cell_b", "other_cell"):
        org = getattr(cast, name)
        if name in orgs:
            found = policy.get_for_user_or_404(user, Org.objects.all(), Action.ORG_VIEW, pk=org.pk)
            assert found == org
        else:
            with pytest.raises(Http404):
                policy.get_for_user_or_404(user, Org.objects.all(), Action.ORG_VIEW, pk=org.pk)
    for name in ("person_a", "person_b", "person_other"):
        person = getattr(cast, name)
        if name in people:
            assert (
                policy.get_for_user_or_404(
                    user, Person.objects.all(), Action.PERSON_DOSSIER, pk=person.pk
                )
                == person
            )
        else:
            with pytest.raises(Http404):
                policy.get_for_user_or_404(
                    user, Person.objects.all(), Action.PERSON_DOSSIER, pk=person.pk
                )


def test_get_for_user_or_404_treats_absent_and_malformed_ids_as_not_found(cast):
    user = cast.board_specialist
    with pytest.raises(Http404):
        policy.get_for_user_or_404(user, Org.objects.all(), Action.ORG_VIEW, pk=999_999)
    with pytest.raises(Http404):
        policy.get_for_user_or_404(user, Org.objects.all(), Action.ORG_VIEW, pk="abc")


@pytest.mark.parametrize(
    ("who", "action", "obj", "expected"),
    [
        # The cell secretary edits people of cell_a only, and never the organisation itself.
        ("cell_secretary", Action.PERSON_EDIT, "person_a", True),
        ("cell_secretary", Action.PERSON_EDIT, "person_b", False),
        ("cell_secretary", Action.ORG_EDIT, "cell_a", False),
        ("cell_secretary", Action.ORG_VIEW, "grassroots", False),
        # The viewer reads the grassroots subtree but changes nothing.
        ("viewer", Action.PERSON_DOSSIER, "person_b", True),
        ("viewer", Action.PERSON_EDIT, "person_a", False),
        ("viewer", Action.HISTORY_VIEW, "person_a", False),
        # The grassroots officer edits units below, not above, and cannot move or dissolve.
        ("grassroots_officer", Action.ORG_EDIT, "cell_b", True),
        ("grassroots_officer", Action.ORG_EDIT, "commune", False),
        ("grassroots_officer", Action.ORG_DISSOLVE, "cell_b", False),
        ("grassroots_officer", Action.PERSON_VIEW, "person_other", False),
        # The board specialist decides structure everywhere in the province.
        ("board_specialist", Action.ORG_MOVE, "other_cell", True),
        ("board_specialist", Action.ORG_DISSOLVE, "cell_a", True),
        ("board_specialist", Action.ACCESS_LOG_VIEW, "province", False),
        ("board_specialist", Action.GRANT_MANAGE, "province", False),
        ("administrator", Action.GRANT_MANAGE, "cell_a", True),
        # The outsider is confined to the other grassroots organisation.
        ("outsider", Action.PERSON_EDIT, "person_other", True),
        ("outsider", Action.PERSON_VIEW, "person_a", False),
        ("outsider", Action.ORG_VIEW, "commune", False),
        ("nobody", Action.ORG_VIEW, "province", False),
        ("nobody", Action.PERSON_VIEW, "person_a", False),
    ],
)
def test_can_answers_per_role_and_subtree(cast, who, action, obj, expected):
    assert policy.can(cast.users[who], action, getattr(cast, obj)) is expected


def test_superuser_without_grants_sees_and_may_do_everything(cast):
    root = make_user("sieuquantri", is_superuser=True, is_staff=True)
    assert policy.scope(root, Org.objects.all(), Action.ORG_DISSOLVE).count() == 7
    assert policy.scope(root, Person.objects.all(), Action.PERSON_EDIT).count() == 3
    assert all(policy.can(root, action, cast.other_cell) for action in Action)
    assert policy.can_anywhere(root, Action.ACCESS_LOG_VIEW) is True
    assert policy.is_admin(root) is True


def test_inactive_users_see_nothing_whatever_they_hold(cast):
    root = make_user("cuquantri", is_superuser=True)
    for user in (root, cast.board_specialist):
        user.is_active = False
        user.save(update_fields=["is_active"])
        assert policy.scope(user, Org.objects.all(), Action.ORG_VIEW).count() == 0
        assert policy.can(user, Action.ORG_VIEW, cast.province) is False


def test_anonymous_user_sees_nothing(cast):
    anonymous = AnonymousUser()
    assert policy.scope(anonymous, Person.objects.all(), Action.PERSON_VIEW).count() == 0
    assert policy.can(anonymous, Action.ORG_VIEW, cast.province) is False
    assert policy.grants_of(anonymous) == []


def test_grant_on_dissolved_org_grants_nothing(cast):
    closed = make_org(cast.grassroots, OrgKind.CELL, "Chi bộ Tổ Thể dục")
    holder = make_user("bithucu", Role.CELL_EDITOR, closed)
    assert policy.can(holder, Action.ORG_VIEW, closed) is True
    dissolve_org(
        org=closed, on_date=TODAY, version=closed.version, actor=system_user(), today=TODAY
    )

    holder = type(holder).objects.get(pk=holder.pk)  # a new request: no cached grants
    closed.refresh_from_db()
    assert policy.grants_of(holder) == []
    assert policy.can(holder, Action.ORG_VIEW, closed) is False
    assert policy.scope(holder, Org.objects.all(), Action.ORG_VIEW).count() == 0
    assert policy.can_anywhere(holder, Action.PERSON_VIEW) is False


def test_overlapping_grants_are_merged_into_one_range_without_duplicates(cast):
    user = make_user("chongcheo", Role.VIEWER, cast.grassroots)
    grant_role(user=user, role=Role.CELL_EDITOR, org=cast.cell_a, actor=None)
    grant_role(user=user, role=Role.VIEWER, org=cast.cell_b, actor=None)

    orgs = policy.scope(user, Org.objects.all(), Action.ORG_VIEW)
    assert orgs.count() == 3
    paths = list(orgs.values_list("path", flat=True))
    assert len(paths) == len(set(paths)) == 3
    people = policy.scope(user, Person.objects.all(), Action.PERSON_VIEW)
    assert people.count() == 2
    assert sorted(people.values_list("pk", flat=True)) == sorted(
        [cast.person_a.pk, cast.person_b.pk]
    )
    # cell_a and cell_b lie under grassroots: one range condition, not three.
    sql = str(orgs.query)
    assert sql.count(">=") == 1
    assert " OR " not in sql
    # The narrower cell editor grant still decides the edit scope on its own.
    editable = policy.scope(user, Person.objects.all(), Action.PERSON_EDIT)
    assert list(editable.values_list("pk", flat=True)) == [cast.person_a.pk]


def test_scope_sql_is_a_disjunction_of_path_ranges_without_like(cast):
    user = make_user("haivung", Role.VIEWER, cast.cell_a)
    grant_role(user=user, role=Role.VIEWER, org=cast.other_grassroots, actor=None)

    people = policy.scope(user, Person.objects.all(), Action.PERSON_VIEW)
    sql = str(people.query)
    assert "LIKE" not in sql.upper()
    assert sql.count(">=") == 2
    assert sql.count(" < ") == 2
    assert " OR " in sql
    assert cast.cell_a.path in sql
    assert cast.other_grassroots.path in sql
    assert set(people.values_list("pk", flat=True)) == {cast.person_a.pk, cast.person_other.pk}

    orgs_sql = str(policy.scope(user, Org.objects.all(), Action.ORG_VIEW).query)
    assert "LIKE" not in orgs_sql.upper()
    assert orgs_sql.count(">=") == 2


def test_scope_with_no_reach_is_an_empty_queryset_without_a_query(cast, django_assert_num_queries):
    user = cast.nobody
    policy.grants_of(user)
    with django_assert_num_queries(0):
        assert list(policy.scope(user, Person.objects.all(), Action.PERSON_VIEW)) == []


def test_grants_are_read_once_per_user_object(cast, django_assert_num_queries):
    user = type(cast.grassroots_officer).objects.get(pk=cast.grassroots_officer.pk)
    with django_assert_num_queries(1):
        for action in Action:
            policy.can(user, action, cast.cell_a)
        policy.can_anywhere(user, Action.ORG_VIEW)
        policy.roles_of(user)


def test_helpers_report_roles_roots_and_allowed_actions(cast):
    assert policy.roles_of(cast.grassroots_officer) == {Role.GRASSROOTS_OFFICER}
    assert policy.grant_roots(cast.grassroots_officer) == [cast.grassroots.pk]
    assert policy.allowed_actions(
        cast.viewer, cast.person_a, [Action.PERSON_DOSSIER, Action.PERSON_EDIT]
    ) == {Action.PERSON_DOSSIER}
    assert policy.path_of(cast.person_a) == cast.cell_a.path
    assert policy.is_admin(cast.administrator) is True
    assert policy.is_admin(cast.board_specialist) is False
    assert policy.can_anywhere(cast.nobody, Action.ORG_VIEW) is False
    assert policy.can_anywhere(cast.cell_secretary, Action.ORG_CREATE) is False


def test_unscoped_models_are_refused(cast):
    with pytest.raises(TypeError):
        policy.scope(cast.board_specialist, AccessLog.objects.all(), Action.ORG_VIEW)
    with pytest.raises(TypeError):
        policy.path_of(cast.board_specialist)
