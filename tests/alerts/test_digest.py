"""A user's digest over their scope (alerts.selectors, D42): the registered providers, the
policy's scope, a query count that does not grow with the items."""

from __future__ import annotations

from datetime import date, timedelta

from ptdv.access.models import User
from ptdv.alerts import providers
from ptdv.alerts.rules import Item, Urgency
from ptdv.alerts.selectors import digest_for
from ptdv.members.alerts import transfer_items, watch_items
from ptdv.members.rules.dates import add_months
from ptdv.pipeline.alerts import case_items
from tests.alerts.conftest import away, late_letter, member
from tests.factories import TODAY


def _rows(user: User, within: int = 7) -> list[tuple[str, str, str]]:
    digest = digest_for(User.objects.get(pk=user.pk), today=TODAY, within_days=within)
    return [(a.urgency, a.item.subject, a.item.source) for a in digest.alerts]


def test_the_apps_register_their_sources() -> None:
    registered = providers.providers()
    assert {case_items, transfer_items, watch_items} <= set(registered)


def test_each_user_gets_the_items_of_their_scope_only(scene) -> None:
    cast = scene.cast
    # The cell secretary of cell_a: cell_a's letter and probation, nothing of cell_b's or
    # of the other grassroots organisation's.
    assert _rows(cast.cell_secretary) == [
        (Urgency.OVERDUE, "Lê Thị Lan", "members.transfer"),
        (Urgency.DUE, "Lê Thị Hạnh", "members.probation"),
    ]
    # The grassroots officer: both cells.
    assert _rows(cast.grassroots_officer) == [
        (Urgency.OVERDUE, "Lê Thị Lan", "members.transfer"),
        (Urgency.DUE, "Lê Thị Hạnh", "members.probation"),
        (Urgency.AT_RISK, "Lê Thị Bích", "members.away"),
    ]
    # The outsider: their own cell only (the letter to cell_b is the sender's to write).
    assert _rows(cast.outsider) == [
        (Urgency.OVERDUE, "Lê Thị Oanh", "members.transfer"),
        (Urgency.AT_RISK, "Lê Thị Ơn", "members.away"),
    ]
    # The province's specialist: everything, most urgent first, then by unit.
    assert [r[1] for r in _rows(cast.board_specialist)] == [
        "Lê Thị Oanh", "Lê Thị Lan", "Lê Thị Hạnh", "Lê Thị Ơn", "Lê Thị Bích",
    ]  # fmt: skip
    assert _rows(cast.nobody) == []


def test_the_window_decides_what_is_due(scene) -> None:
    cast = scene.cast
    assert [r[1] for r in _rows(cast.cell_secretary, within=2)] == ["Lê Thị Lan"]
    assert [r[1] for r in _rows(cast.cell_secretary, within=3)] == ["Lê Thị Lan", "Lê Thị Hạnh"]


def test_sentences_carry_the_unit_date_and_basis(scene) -> None:
    digest = digest_for(scene.cast.cell_secretary, today=TODAY, within_days=7)
    letter, probation = digest.alerts
    assert letter.sentence.startswith(
        "Lê Thị Lan (Chi bộ Tổ Toán – Tin — Đảng bộ Trường THPT Đông Hà): "
        "Làm thủ tục chuyển sinh hoạt trong 60 ngày làm việc — hạn "
    )
    assert "đã quá" in letter.sentence
    assert letter.sentence.endswith("Căn cứ: Quy định 294-QĐ/TW (26/5/2025), mục 6.3.1.")
    ends = add_months(scene.a_probation.joined_on, 12)
    assert f"hạn {ends:%d/%m/%Y}, còn 3 ngày" in probation.sentence
    assert digest.subject == "PTĐV — Việc cần làm: 1 quá hạn, 1 đến hạn trong 7 ngày"


def test_a_registered_provider_joins_every_digest(cast) -> None:
    def target_at_risk(user, today):  # type: ignore[no-untyped-def]
        yield Item(source="targets", key="1", topic="Chỉ tiêu", subject="", unit="Chi bộ X",
                   what="Chỉ tiêu kết nạp năm 2026 có nguy cơ không đạt", at_risk=True)  # fmt: skip

    providers.register(target_at_risk)
    providers.register(target_at_risk)  # once only
    try:
        assert _rows(cast.viewer) == [(Urgency.AT_RISK, "", "targets")]
    finally:
        providers.unregister(target_at_risk)
    assert _rows(cast.viewer) == []


def test_query_count_does_not_grow_with_the_items(scene, django_assert_num_queries) -> None:
    cast = scene.cast
    # grants, org roots of the member scope, due cases, due transfers, and per root unit the
    # watch lists (members, meetings, absences, dues, ratings, temporary transfers) and the
    # badges (the members and the recently dead admitted long enough ago to reach a badge —
    # none here, so no memberships or events are read for their party age); the year's
    # targets in scope (none here: a target at risk costs the progress's queries,
    # tests/targets/test_alerts.py).
    expected = 13
    with django_assert_num_queries(expected):
        _rows(cast.grassroots_officer)
    for name in ("An", "Bình", "Chi", "Dung"):
        late_letter(member(cast.cell_a, name), cast.board_specialist, cast.cell_b)
        away(cast.cell_b, f"Thu {name}")
    with django_assert_num_queries(expected):
        rows = _rows(cast.grassroots_officer)
    assert len(rows) == 3 + 8


def test_overdue_items_stay_whatever_the_window(scene) -> None:
    digest = digest_for(scene.cast.cell_secretary, today=TODAY + timedelta(days=400),
                        within_days=0)  # fmt: skip
    assert [a.item.subject for a in digest.alerts if a.urgency == Urgency.OVERDUE] == ["Lê Thị Lan"]
    assert date(2026, 11, 21) == TODAY


def test_a_case_past_its_deadline_is_in_its_cells_digests_only(cast) -> None:
    from ptdv.pipeline import actions
    from ptdv.pipeline.services import record_step
    from tests.pipeline.factories import (
        make_candidate,
        make_cell_members,
        open_test_case,
        path_steps,
    )

    members = make_cell_members(cast.cell_a)
    person = make_candidate(cast.cell_a, family_name="Võ", middle_name="Thị", given_name="Lan")
    case = open_test_case(person, cast.cell_a, actor=cast.board_specialist)
    for _stage, action, day, data in path_steps(members, authority=cast.commune,
                                                eligible=members.count):  # fmt: skip
        record_step(case=case, action=action, occurred_on=day, data=data, version=case.version,
                    actor=cast.board_specialist, today=TODAY)  # fmt: skip
        if action == actions.CELL_VOTE:
            break
    case.refresh_from_db()
    assert case.next_due_on is not None
    assert case.next_due_on < TODAY
    digest = digest_for(cast.cell_secretary, today=TODAY, within_days=7)
    [alert] = [a for a in digest.alerts if a.item.source == "pipeline.case"]
    assert alert.urgency == Urgency.OVERDUE
    assert alert.item.url == f"/phat-trien-dang-vien/ho-so/{case.pk}/"
    assert alert.sentence.startswith(
        "Võ Thị Lan (Chi bộ Tổ Toán – Tin — Đảng bộ Trường THPT Đông Hà): Quyết định kết nạp "
    )
    assert f"hạn {case.next_due_on:%d/%m/%Y}, đã quá" in alert.sentence
    assert "Căn cứ: Quy định" in alert.sentence
    assert not [a for a in _digest_sources(cast.outsider) if a == "pipeline.case"]


def _digest_sources(user: User) -> list[str]:
    return [a.item.source for a in digest_for(user, today=TODAY, within_days=30).alerts]
