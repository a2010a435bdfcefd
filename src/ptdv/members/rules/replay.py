"""Replay a membership's events into its state and its periods on the roll (decision D29).

The events are the truth; everything the registry shows about a member on a day (standing,
cell, exemption, temporary transfer, the periods that counts are made of) is what this module
derives from them. Events that break the order of a member's life (recognised before admitted,
transferred after death, ...) come back as refusals naming the event, so a service can refuse
the event that caused them and write nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum

from django.utils.translation import gettext as _


class Kind(StrEnum):
    """The event kinds (the same values as `members.models.EventKind`)."""

    ADMITTED = "admitted"
    READMITTED = "readmitted"
    RECOGNISED = "recognised"
    PROBATION_DELETED = "probation_deleted"
    TRANSFER_OUT = "transfer_out"
    TRANSFER_IN = "transfer_in"
    NOT_PRESENTED = "not_presented"
    TEMP_OUT = "temp_out"
    TEMP_BACK = "temp_back"
    EXEMPT_START = "exempt_start"
    EXEMPT_END = "exempt_end"
    REMOVED = "removed"
    EXPELLED = "expelled"
    RESIGNED = "resigned"
    DIED = "died"
    VOIDED = "voided"


ENTRY_KINDS = frozenset({Kind.ADMITTED, Kind.READMITTED})
EXIT_KINDS = frozenset(
    {Kind.PROBATION_DELETED, Kind.REMOVED, Kind.EXPELLED, Kind.RESIGNED, Kind.DIED}
)

# Same-day order: what must come first when two events share a date (a merge transfers out
# and in on one day; a member back from a temporary transfer may be transferred the same day).
_RANK = {
    Kind.ADMITTED: 0,
    Kind.READMITTED: 0,
    Kind.RECOGNISED: 1,
    Kind.TEMP_BACK: 2,
    Kind.EXEMPT_END: 2,
    Kind.TRANSFER_OUT: 3,
    Kind.NOT_PRESENTED: 4,
    Kind.TRANSFER_IN: 5,
    Kind.TEMP_OUT: 6,
    Kind.EXEMPT_START: 6,
    Kind.PROBATION_DELETED: 9,
    Kind.REMOVED: 9,
    Kind.EXPELLED: 9,
    Kind.RESIGNED: 9,
    Kind.DIED: 9,
    Kind.VOIDED: 10,
}


class Standing(StrEnum):
    PROBATIONARY = "probationary"
    OFFICIAL = "official"
    LEFT = "left"


class Place(StrEnum):
    """Where the member stands relative to PTĐV's rolls."""

    ROLL = "roll"  # counted in `cell`
    TRANSIT = "transit"  # left one roll, not yet on the next (a transfer gap)
    OUTSIDE = "outside"  # a member of a party organisation that does not use PTĐV
    GONE = "gone"  # no longer a member


@dataclass(frozen=True)
class Event:
    """One stored event, as the replay needs it."""

    pk: int
    kind: str
    on: date
    cell_id: int
    other_cell_id: int | None = None
    other_party: str = ""
    ground: str = ""
    supersedes_id: int | None = None


@dataclass(frozen=True)
class Period:
    """A stretch on one roll with nothing changing; `valid_to` is exclusive (None: open)."""

    cell_id: int
    standing: str
    exempted: bool
    temp_cell_id: int | None
    valid_from: date
    valid_to: date | None = None


@dataclass(frozen=True)
class Refusal:
    """An event that does not fit the member's story; `field` names the form field."""

    event_pk: int
    code: str
    message: str
    field: str = "on"


@dataclass(frozen=True)
class State:
    """The member after the last event."""

    standing: str = Standing.PROBATIONARY
    place: str = Place.ROLL
    cell_id: int | None = None
    exempted: bool = False
    temp_cell_id: int | None = None
    temp_outside: bool = False
    started_on: date | None = None
    official_on: date | None = None
    left_on: date | None = None
    left_kind: str = ""
    # The cell a transfer in transit is expected at (None: to or from outside PTĐV).
    expected_cell_id: int | None = None


@dataclass
class Replay:
    state: State
    periods: list[Period] = field(default_factory=list)
    refusals: list[Refusal] = field(default_factory=list)
    # The events in force, in replay order (corrections applied, voided ones dropped).
    effective: list[Event] = field(default_factory=list)
    # Off-roll stretches that party age does not count: transfer gaps (DOMAIN §4).
    gaps: list[tuple[date, date | None]] = field(default_factory=list)


def effective_events(events: list[Event]) -> list[Event]:
    """Return the events in force, sorted for replay: a correcting event replaces the one it
    supersedes (chains allowed); a VOIDED event cancels it and is not itself replayed."""
    superseded = {e.supersedes_id for e in events if e.supersedes_id is not None}
    live = [e for e in events if e.pk not in superseded and e.kind != Kind.VOIDED]
    return sorted(live, key=lambda e: (e.on, _RANK.get(Kind(e.kind), 8), e.pk))


def _key(state: State) -> tuple[object, ...]:
    return (state.cell_id, state.standing, state.exempted, state.temp_cell_id)


def replay(events: list[Event], *, today: date) -> Replay:
    """Return the state, periods, gaps and refusals that the events add up to."""
    result = Replay(state=State())
    ordered = effective_events(events)
    result.effective = ordered
    state: State | None = None
    open_from: date | None = None
    gap_from: date | None = None

    def refuse(event: Event, code: str, message: str, field_name: str = "on") -> None:
        result.refusals.append(Refusal(event.pk, code, message, field_name))

    def close(stretch: State, day: date) -> None:
        """End the open period of `stretch` (the state before the event) on `day`."""
        nonlocal open_from
        if open_from is not None and stretch.place == Place.ROLL and day > open_from:
            assert stretch.cell_id is not None
            result.periods.append(
                Period(
                    stretch.cell_id,
                    stretch.standing,
                    stretch.exempted,
                    stretch.temp_cell_id,
                    open_from,
                    day,
                )
            )
        open_from = None

    for event in ordered:
        kind = Kind(event.kind)
        if event.on > today:
            refuse(event, "FUTURE", _("Ngày hiệu lực không được sau ngày hôm nay."))
            continue
        if state is None:
            if kind not in ENTRY_KINDS:
                refuse(
                    event,
                    "ORDER-FIRST",
                    _("Sự kiện đầu tiên của một lần vào Đảng phải là kết nạp (hoặc kết nạp lại)."),
                    "kind",
                )
                continue
            outside = bool(event.other_party)
            state = State(
                standing=Standing.PROBATIONARY,
                place=Place.OUTSIDE if outside else Place.ROLL,
                cell_id=event.cell_id,
                started_on=event.on,
            )
            open_from = None if outside else event.on
            continue
        if kind in ENTRY_KINDS:
            refuse(
                event,
                "ORDER-ENTRY",
                _("Đảng viên này đã được kết nạp trong lần vào Đảng này."),
                "kind",
            )
            continue
        if state.place == Place.GONE:
            refuse(
                event,
                "ORDER-GONE",
                _("Sau ngày %(day)s người này không còn là đảng viên; không ghi thêm sự kiện.")
                % {"day": f"{state.left_on:%d/%m/%Y}"},
            )
            continue
        before = state
        on_roll = state.place == Place.ROLL
        if kind == Kind.RECOGNISED:
            if state.standing != Standing.PROBATIONARY:
                refuse(
                    event, "ORDER-RECOGNISED", _("Đảng viên đã là đảng viên chính thức."), "kind"
                )
                continue
            state = replace(state, standing=Standing.OFFICIAL, official_on=event.on)
        elif kind == Kind.TRANSFER_OUT:
            if not on_roll or state.temp_cell_id is not None or state.temp_outside:
                refuse(
                    event,
                    "ORDER-TRANSFER-OUT",
                    _(
                        "Chỉ chuyển sinh hoạt chính thức khi đảng viên đang sinh hoạt tại chi bộ "
                        "(không đang chuyển đi hoặc chuyển tạm thời)."
                    ),
                    "kind",
                )
                continue
            if event.other_cell_id == state.cell_id:
                refuse(
                    event,
                    "TRANSFER-SAME",
                    _("Không chuyển sinh hoạt đến chính chi bộ đang sinh hoạt."),
                    "other_cell",
                )
                continue
            outside = event.other_cell_id is None
            state = replace(
                state,
                place=Place.OUTSIDE if outside else Place.TRANSIT,
                expected_cell_id=event.other_cell_id,
                exempted=False,
            )
            if not outside:
                gap_from = event.on
        elif kind == Kind.NOT_PRESENTED:
            if state.place != Place.TRANSIT:
                refuse(
                    event,
                    "ORDER-NOT-PRESENTED",
                    _("Đảng viên không ở trong thời gian chuyển sinh hoạt."),
                    "kind",
                )
                continue
        elif kind == Kind.TRANSFER_IN:
            if state.place not in (Place.TRANSIT, Place.OUTSIDE):
                refuse(
                    event,
                    "ORDER-TRANSFER-IN",
                    _("Chỉ tiếp nhận đảng viên đã được chuyển sinh hoạt đi."),
                    "kind",
                )
                continue
            if gap_from is not None:
                result.gaps.append((gap_from, event.on))
                gap_from = None
            state = replace(state, place=Place.ROLL, cell_id=event.cell_id, expected_cell_id=None)
        elif kind == Kind.TEMP_OUT:
            if not on_roll or state.temp_cell_id is not None or state.temp_outside:
                refuse(
                    event,
                    "ORDER-TEMP-OUT",
                    _("Đảng viên đang chuyển sinh hoạt tạm thời hoặc không sinh hoạt tại chi bộ."),
                    "kind",
                )
                continue
            if event.other_cell_id == state.cell_id:
                refuse(
                    event,
                    "TRANSFER-SAME",
                    _("Không chuyển sinh hoạt đến chính chi bộ đang sinh hoạt."),
                    "other_cell",
                )
                continue
            state = replace(
                state, temp_cell_id=event.other_cell_id, temp_outside=event.other_cell_id is None
            )
        elif kind == Kind.TEMP_BACK:
            if state.temp_cell_id is None and not state.temp_outside:
                refuse(
                    event,
                    "ORDER-TEMP-BACK",
                    _("Đảng viên không đang chuyển sinh hoạt tạm thời."),
                    "kind",
                )
                continue
            state = replace(state, temp_cell_id=None, temp_outside=False)
        elif kind == Kind.EXEMPT_START:
            if not on_roll or state.exempted:
                refuse(
                    event,
                    "ORDER-EXEMPT",
                    _("Đảng viên đã được miễn sinh hoạt hoặc không sinh hoạt tại chi bộ."),
                    "kind",
                )
                continue
            state = replace(state, exempted=True)
        elif kind == Kind.EXEMPT_END:
            if not state.exempted:
                refuse(
                    event,
                    "ORDER-EXEMPT-END",
                    _("Đảng viên không đang được miễn sinh hoạt."),
                    "kind",
                )
                continue
            state = replace(state, exempted=False)
        elif kind in EXIT_KINDS:
            if kind == Kind.PROBATION_DELETED and state.standing != Standing.PROBATIONARY:
                refuse(
                    event,
                    "ORDER-PROBATION",
                    _("Chỉ xóa tên trong danh sách đảng viên dự bị đối với đảng viên dự bị."),
                    "kind",
                )
                continue
            if kind in (Kind.REMOVED, Kind.EXPELLED) and state.standing != Standing.OFFICIAL:
                # Charter art. 35 and 24-QĐ/TW: a probationary member is deleted from the
                # probationary list instead (DOMAIN §4, §5.5).
                refuse(
                    event,
                    "ORDER-PROBATIONARY-EXIT",
                    _(
                        "Đảng viên dự bị không bị xóa tên hay khai trừ: dùng “xóa tên "
                        "trong danh sách đảng viên dự bị”."
                    ),
                    "kind",
                )
                continue
            if gap_from is not None:
                result.gaps.append((gap_from, event.on))
                gap_from = None
            state = replace(
                state,
                standing=Standing.LEFT,
                place=Place.GONE,
                left_on=event.on,
                left_kind=kind.value,
                exempted=False,
                temp_cell_id=None,
                temp_outside=False,
                expected_cell_id=None,
            )
        if _key(before) != _key(state) or before.place != state.place:
            close(before, event.on)
            if state.place == Place.ROLL:
                open_from = event.on
    if state is not None:
        close_open = open_from
        if state.place == Place.ROLL and close_open is not None:
            assert state.cell_id is not None
            result.periods.append(
                Period(
                    state.cell_id, state.standing, state.exempted, state.temp_cell_id, close_open
                )
            )
        if gap_from is not None:
            result.gaps.append((gap_from, None))
        result.state = state
    return result
