"""The electorate of a cell vote, derived from the registry (issue 7 item 7)."""

from __future__ import annotations

from ptdv.members.rules.electorate import ElectorateConfig, cell_electorate, vote_figures_notice
from ptdv.members.rules.findings import Severity


def test_exempted_members_are_not_counted_by_default() -> None:
    assert cell_electorate({1, 2, 3, 4, 5}, {4, 5}) == 3
    assert cell_electorate({1, 2, 3, 4, 5}, {4, 5}, ElectorateConfig(count_exempted=True)) == 5


def test_exempted_probationary_members_change_nothing() -> None:
    # Member 9 is exempted but not official: never in the electorate anyway.
    assert cell_electorate({1, 2}, {9}) == 2


def test_issue_example_understated_electorate_is_refused() -> None:
    # 4 official members, eligible typed as 3: the vote is refused naming both numbers.
    notice = vote_figures_notice(3, cell_electorate({1, 2, 3, 4}, set()))
    assert notice is not None
    assert (notice.code, notice.severity, notice.blocks) == (
        "VOTE-ELECTORATE",
        Severity.BLOCK,
        True,
    )
    assert notice.message == (
        "Số đảng viên có quyền biểu quyết ghi là 3, nhưng theo danh sách đảng viên chính thức "
        "của chi bộ vào ngày họp là 4 (VOTE-ELECTORATE, Điều lệ Đảng, Điều 5.2)."
    )


def test_agreeing_figures_pass() -> None:
    assert vote_figures_notice(4, 4) is None


def test_the_exempted_left_out_are_named() -> None:
    notice = vote_figures_notice(5, 3, exempted_left_out=2)
    assert notice is not None
    assert notice.message.endswith(" Không tính 2 đảng viên được miễn công tác và sinh hoạt đảng.")
