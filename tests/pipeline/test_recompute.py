"""The case's cached columns are rebuilt from its steps: `ptdv pipeline recompute` and the
calendar's administrator-edited days."""

from __future__ import annotations

from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connections
from django.urls import reverse

from ptdv import cli
from ptdv.core.calendar import build_calendar
from ptdv.core.models import CalendarOverride
from ptdv.pipeline import actions
from ptdv.pipeline.models import Case, Stage
from tests.factories import make_user
from tests.pipeline.factories import (
    cached_columns,
    corrupt_cached_columns,
    make_candidate,
    open_test_case,
    walk_case_to,
)


def test_recompute_copies_the_cells_paths_again_where_a_bulk_write_got_them_wrong(world) -> None:
    cast = world.cast
    case = open_test_case(world.candidate, cast.cell_a, actor=cast.board_specialist)
    Case.objects.update(cell_path="")

    out = StringIO()
    call_command("pipeline", "recompute", stdout=out)

    assert Case.objects.get(pk=case.pk).cell_path == cast.cell_a.path
    assert out.getvalue().strip().splitlines() == [
        "Đã tính lại 1 hồ sơ; 0 hồ sơ có thay đổi.",
        "Đã sửa vị trí chi bộ của 1 hồ sơ và quần chúng ưu tú theo cây tổ chức.",
    ]


def test_ptdv_pipeline_recompute_works_as_typed(world, capsys, monkeypatch) -> None:
    cast = world.cast
    case = open_test_case(world.candidate, cast.cell_a, actor=cast.board_specialist)
    walk_case_to(
        case,
        Stage.PROBATION,
        members=world.members,
        authority=world.authority,
        actor=cast.board_specialist,
    )
    original = cached_columns()
    corrupt_cached_columns()

    # A command run from the console closes the connections when done; the test's must stay.
    monkeypatch.setattr(connections, "close_all", lambda: None)
    cli.main(["pipeline", "recompute", "--case", str(case.pk)])

    assert cached_columns() == original
    assert capsys.readouterr().out.strip() == "Đã tính lại 1 hồ sơ; 1 hồ sơ có thay đổi."


def test_the_pipeline_command_needs_a_task(db) -> None:
    with pytest.raises(CommandError, match="recompute"):
        call_command("pipeline")


def _next_working_day(day: date) -> date:
    calendar = build_calendar([day.year, day.year + 1])
    return calendar.add_working_days(day, 1)


def test_a_day_off_added_in_the_admin_moves_the_due_dates_it_falls_before(client, world) -> None:
    cast = world.cast
    case = open_test_case(world.candidate, cast.cell_a, actor=cast.board_specialist)
    walk_case_to(
        case,
        Stage.PROBATION,
        members=world.members,
        authority=world.authority,
        actor=cast.board_specialist,
    )
    # A case whose due date comes before the new day off keeps it.
    other = make_candidate(cast.cell_a, given_name="Hà")
    earlier = open_test_case(other, cast.cell_a, actor=cast.board_specialist)
    walk_case_to(
        earlier,
        stop_before=actions.DECISION,
        members=world.members,
        authority=world.authority,
        actor=cast.board_specialist,
    )
    case.refresh_from_db()
    earlier.refresh_from_db()
    due, rule = case.next_due_on, case.next_due_rule
    assert (rule, earlier.next_due_rule) == ("RECOG-30WD", "DECIDE-60WD")
    assert earlier.next_due_on < due
    root = make_user("root", is_staff=True, is_superuser=True)
    client.force_login(root)

    response = client.post(
        reverse("admin:core_calendaroverride_add"),
        {"day": due.isoformat(), "kind": CalendarOverride.Kind.DAY_OFF, "note": "Nghỉ thêm"},
    )

    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.next_due_on, case.next_due_rule) == (_next_working_day(due), "RECOG-30WD")
    unchanged = Case.objects.get(pk=earlier.pk)
    assert unchanged.next_due_on == earlier.next_due_on

    # Deleting the day off in the admin brings the due date back.
    override = CalendarOverride.objects.get()
    response = client.post(
        reverse("admin:core_calendaroverride_delete", args=[override.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.next_due_on == due


def test_moving_a_make_up_day_in_the_admin_recomputes_both_dates(client, world) -> None:
    cast = world.cast
    case = open_test_case(world.candidate, cast.cell_a, actor=cast.board_specialist)
    walk_case_to(
        case,
        stop_before=actions.DECISION,
        members=world.members,
        authority=world.authority,
        actor=cast.board_specialist,
    )
    case.refresh_from_db()
    due = case.next_due_on
    saturday = due - timedelta(days=(due.weekday() - 5) % 7)  # the Saturday before the due date
    assert saturday.weekday() == 5
    root = make_user("root", is_staff=True, is_superuser=True)
    client.force_login(root)
    client.post(
        reverse("admin:core_calendaroverride_add"),
        {"day": saturday.isoformat(), "kind": CalendarOverride.Kind.WORKING_DAY, "note": ""},
    )
    case.refresh_from_db()
    # One more working day before the deadline: it comes one working day earlier.
    calendar = build_calendar([due.year - 1, due.year], [(saturday, "working_day")])
    assert case.next_due_on == max(d for d in _days_before(due) if calendar.is_working_day(d))

    # Moving the make-up day to a Saturday after the deadline restores the original date.
    override = CalendarOverride.objects.get()
    later = saturday + timedelta(days=14)
    response = client.post(
        reverse("admin:core_calendaroverride_change", args=[override.pk]),
        {"day": later.isoformat(), "kind": CalendarOverride.Kind.WORKING_DAY, "note": ""},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.next_due_on == due


def _days_before(day: date) -> list[date]:
    return [day - timedelta(days=n) for n in range(1, 10)]
