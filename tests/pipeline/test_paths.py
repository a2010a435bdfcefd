"""The cell paths the cases and the list entries carry (D48): copied when saved, rewritten in
the transaction of a move of their branch, and the access scope read from them."""

from __future__ import annotations

from datetime import date

from ptdv.access.policy import Action, scope
from ptdv.orgs.models import Org, OrgKind
from ptdv.orgs.services import move_org
from ptdv.pipeline import paths
from ptdv.pipeline.models import Case, PoolEntry
from ptdv.pipeline.services import add_to_pool
from tests.factories import TODAY, make_org, system_user
from tests.pipeline.factories import make_candidate, open_test_case


def _entry(cell: Org, person, actor) -> PoolEntry:
    return add_to_pool(cell=cell, person=person, source="youth_union", listed_on=date(2026, 10, 1),
                       proposed_by="", notes="", actor=actor, today=TODAY)  # fmt: skip


def _paths(model) -> dict[int, str]:
    return dict(model.objects.values_list("pk", "cell_path"))


def test_a_case_and_an_entry_carry_their_cells_path(world):
    cast = world.cast
    case = open_test_case(world.candidate, cast.cell_a, actor=cast.board_specialist)
    entry = _entry(cast.cell_b, cast.person_b, cast.cell_secretary)
    assert _paths(Case) == {case.pk: cast.cell_a.path}
    assert _paths(PoolEntry)[entry.pk] == cast.cell_b.path
    assert paths.stale() == 0


def test_a_case_saved_with_another_cell_takes_that_cells_path(world):
    cast = world.cast
    case = open_test_case(world.candidate, cast.cell_a, actor=cast.board_specialist)
    loaded = Case.objects.get(pk=case.pk)
    loaded.cell = Org.objects.get(pk=cast.cell_b.pk)
    loaded.save(update_fields=["cell"])
    assert _paths(Case) == {case.pk: cast.cell_b.path}


def test_a_move_rewrites_the_paths_under_the_moved_branch_and_the_scope_follows(world):
    cast = world.cast
    case = open_test_case(world.candidate, cast.cell_a, actor=cast.board_specialist)
    entry = _entry(cast.cell_a, cast.person_a, cast.cell_secretary)
    elsewhere = open_test_case(make_candidate(cast.cell_b, given_name="Hà"), cast.cell_b,
                               actor=cast.board_specialist)  # fmt: skip
    before = cast.cell_b.path
    assert case.pk in _visible(cast.grassroots_officer)
    assert case.pk not in _visible(cast.outsider)

    move_org(org=cast.cell_a, new_parent=cast.other_grassroots, version=cast.cell_a.version,
             actor=system_user(), today=TODAY, on_date=TODAY)  # fmt: skip

    moved = Org.objects.get(pk=cast.cell_a.pk)
    assert moved.path.startswith(cast.other_grassroots.path)
    assert _paths(Case) == {case.pk: moved.path, elsewhere.pk: before}
    assert _paths(PoolEntry)[entry.pk] == moved.path
    assert paths.stale() == 0
    # The access scope reads the case's own copy: the new committee's officer sees the case,
    # the old one's no longer does.
    assert case.pk in _visible(cast.outsider)
    assert case.pk not in _visible(cast.grassroots_officer)
    assert elsewhere.pk in _visible(cast.grassroots_officer)


def test_a_move_of_a_unit_above_rewrites_the_paths_of_all_its_cells(world):
    cast = world.cast
    a = open_test_case(world.candidate, cast.cell_a, actor=cast.board_specialist)
    b = open_test_case(make_candidate(cast.cell_b, given_name="Hà"), cast.cell_b,
                       actor=cast.board_specialist)  # fmt: skip
    commune = make_org(cast.province, OrgKind.COMMUNE, "Đảng bộ xã Mới",
                       valid_from=date(2000, 1, 1))  # fmt: skip
    grassroots = Org.objects.get(pk=cast.grassroots.pk)
    move_org(org=grassroots, new_parent=commune, version=grassroots.version,
             actor=system_user(), today=TODAY, on_date=TODAY)  # fmt: skip
    cells = dict(
        Org.objects.filter(pk__in=[cast.cell_a.pk, cast.cell_b.pk]).values_list("pk", "path")
    )
    assert _paths(Case) == {a.pk: cells[cast.cell_a.pk], b.pk: cells[cast.cell_b.pk]}
    assert all(path.startswith(commune.path) for path in cells.values())
    assert paths.stale() == 0


def test_refresh_repairs_the_copies_a_bulk_write_got_wrong(world):
    cast = world.cast
    open_test_case(world.candidate, cast.cell_a, actor=cast.board_specialist)
    _entry(cast.cell_b, cast.person_b, cast.cell_secretary)
    Case.objects.update(cell_path="9999")
    assert paths.stale() == 1
    assert paths.refresh() == 1
    assert paths.stale() == 0
    assert paths.refresh() == 0


def _visible(user) -> set[int]:
    return set(scope(user, Case.objects.all(), Action.CASE_VIEW).values_list("pk", flat=True))
