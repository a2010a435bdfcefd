"""Who may vote in a cell vote (issue 7 item 7; DOMAIN §2, Charter art. 5.2).

A cell vote needs ≥ 2/3 of the cell's official members; the "eligible" number is derived from
the registry on the meeting date instead of being typed in, and a vote whose typed figure
differs is refused naming both numbers. Probationary members never vote (Charter art. 3).

Members exempted from activity (24-QĐ/TW item 7.1) are, by default, NOT counted: they are
exempt from the cell's work and meetings, so counting them would make a 2/3 majority of a cell
with many elderly members unreachable. No text we could read settles it (the stricter reading
counts every official member), hence `ElectorateConfig.count_exempted`.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from django.utils.translation import gettext as _

from ptdv.members.rules.findings import Notice, Severity

ELECTORATE_REFERENCE = "Điều lệ Đảng, Điều 5.2; Quy định 24-QĐ/TW (30/7/2021), mục 7.1"


@dataclass(frozen=True)
class ElectorateConfig:
    count_exempted: bool = False


ELECTORATE_CONFIG = ElectorateConfig()


def cell_electorate(
    official_member_ids_on_day: Collection[int],
    exempted_ids: Collection[int],
    config: ElectorateConfig = ELECTORATE_CONFIG,
) -> int:
    """Return how many members may vote in a cell vote on the meeting day: the cell's official
    members on that day, without the exempted ones unless the configuration counts them."""
    officials = set(official_member_ids_on_day)
    if config.count_exempted:
        return len(officials)
    return len(officials - set(exempted_ids))


def vote_figures_notice(
    typed_eligible: int, derived_eligible: int, *, exempted_left_out: int = 0
) -> Notice | None:
    """Return a refusal when the typed number of eligible voters differs from the registry's
    (VOTE-ELECTORATE); None when they agree. `exempted_left_out`: exempted members the
    derived number leaves out, named in the message so the officer sees why."""
    if typed_eligible == derived_eligible:
        return None
    message = _(
        "Số đảng viên có quyền biểu quyết ghi là %(typed)s, nhưng theo danh sách đảng viên "
        "chính thức của chi bộ vào ngày họp là %(derived)s (VOTE-ELECTORATE, Điều lệ Đảng, "
        "Điều 5.2)."
    ) % {"typed": typed_eligible, "derived": derived_eligible}
    if exempted_left_out:
        left_out = _("Không tính %(n)s đảng viên được miễn công tác và sinh hoạt đảng.")
        message = f"{message} {left_out % {'n': exempted_left_out}}"
    return Notice(
        "VOTE-ELECTORATE",
        Severity.BLOCK,
        message,
        ELECTORATE_REFERENCE,
    )
