"""The dated tree's rows (OrgSpan, decision D28): written by orgs.services, checked by a command.

The writers here are mechanical: orgs.services validates the request (dates, placement,
versions) and calls them inside its own transaction. History is linear: a change always takes
effect on or after the start of every span it touches, so a span is only ever closed, split at
its last day or changed in place, and nothing before the effective day is rewritten.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, ExitStack, contextmanager
from dataclasses import dataclass
from datetime import date

from django.db.models import Q
from django.utils.translation import gettext as _

from ptdv.orgs.models import SPAN_STEP, Org, OrgSpan, span_segment

SPAN_ATTRIBUTES = ("name", "kind", "field")


def live_span_path(org: Org) -> str:
    """Return the span path of org as the live tree places it (its ancestors' pks, then its own)."""
    ancestors = dict(Org.objects.filter(path__in=org.ancestor_paths).values_list("path", "pk"))
    return "".join(span_segment(ancestors[p]) for p in org.ancestor_paths) + span_segment(org.pk)


def live_span_paths() -> dict[int, tuple[str, int | None]]:
    """Return, for every unit, its span path and parent id from the live tree (one query)."""
    rows = list(Org.objects.values_list("pk", "path", "depth"))
    by_path = {path: pk for pk, path, _depth in rows}
    result: dict[int, tuple[str, int | None]] = {}
    for pk, path, depth in rows:
        prefixes = [path[: i * Org.steplen] for i in range(1, depth + 1)]
        chain = [by_path[p] for p in prefixes]
        result[pk] = ("".join(span_segment(i) for i in chain), chain[-2] if depth > 1 else None)
    return result


def open_span(org_id: int) -> OrgSpan | None:
    """Return the unit's current span, locked; None when the unit is dissolved."""
    return OrgSpan.objects.select_for_update().filter(org_id=org_id, valid_to__isnull=True).first()


def in_force_from(day: date) -> Q:
    """Return the condition "in force on day or later" (valid_to is exclusive)."""
    return Q(valid_to__isnull=True) | Q(valid_to__gt=day)


def open_first_spans(org: Org, parent: Org | None) -> None:
    """Write the spans of a unit just created under parent, from its founding day.

    A unit founded before its parent last moved follows the parent's path in step: one span per
    path the parent held since the founding day, so "under X on D" finds it wherever X stood.
    """
    start = org.valid_from
    if org.valid_to is not None and org.valid_to <= start:
        return  # it never existed for a whole day: no span
    pieces: list[tuple[date, str]] = []
    if parent is None:
        pieces.append((start, ""))
    else:
        parent_spans = list(
            OrgSpan.objects.filter(org_id=parent.pk)
            .filter(in_force_from(start))
            .order_by("valid_from")
        )
        if not parent_spans:
            pieces.append((start, live_span_path(parent)))
        for span in parent_spans:
            if not pieces:
                pieces.append((start, span.path))
            elif span.path != pieces[-1][1]:
                pieces.append((span.valid_from, span.path))
    own = span_segment(org.pk)
    for i, (begin, prefix) in enumerate(pieces):
        end = pieces[i + 1][0] if i + 1 < len(pieces) else org.valid_to
        path = prefix + own
        OrgSpan.objects.create(
            org_id=org.pk,
            parent_id=parent.pk if parent is not None else None,
            path=path,
            depth=len(path) // SPAN_STEP,
            name=org.name,
            kind=org.kind,
            field=org.field,
            valid_from=begin,
            valid_to=end,
        )


def split_at(span: OrgSpan, day: date, **changes: object) -> OrgSpan:
    """Make `changes` hold from day on: in place when the span starts on day, else a new span.

    A closed span that ends after day is split the same way (its end is kept).
    """
    if span.valid_from > day:
        raise ValueError("a span is only split inside its period")  # callers check first
    if span.valid_from == day:
        for key, value in changes.items():
            setattr(span, key, value)
        span.save()
        return span
    end = span.valid_to
    span.valid_to = day
    span.save(update_fields=["valid_to"])
    values = {
        "org_id": span.org_id,
        "parent_id": span.parent_id,
        "path": span.path,
        "depth": span.depth,
        "name": span.name,
        "kind": span.kind,
        "field": span.field,
        **changes,
    }
    return OrgSpan.objects.create(valid_from=day, valid_to=end, **values)


def close_at(span: OrgSpan, day: date) -> None:
    """End the span on day (exclusive); a span that would last no day at all is removed."""
    if span.valid_from > day:
        raise ValueError("a span is only closed inside its period")  # callers check first
    if span.valid_from == day:
        span.delete()
    else:
        span.valid_to = day
        span.save(update_fields=["valid_to"])


def spans_moving(path: str, day: date) -> list[OrgSpan]:
    """Return, locked, the spans a move of the unit at `path` on day carries along: the unit's and
    every unit's under it, in force on day or later."""
    return list(
        OrgSpan.objects.select_for_update().under(path).filter(in_force_from(day)).order_by("path")
    )


def repath(
    spans: list[OrgSpan], *, old: str, new: str, day: date, org_id: int, parent_id: int
) -> None:
    """Give the spans (from spans_moving, all started on or before day) their new paths from day."""
    shift = (len(new) - len(old)) // SPAN_STEP
    for span in spans:
        changes: dict[str, object] = {
            "path": new + span.path[len(old) :],
            "depth": span.depth + shift,
        }
        if span.org_id == org_id:
            changes["parent_id"] = parent_id
        split_at(span, day, **changes)


# --- consistency check ------------------------------------------------------------------------


@dataclass(frozen=True)
class SpanProblem:
    org_id: int
    code: str
    message: str


def check_spans() -> list[SpanProblem]:
    """Report every unit whose spans overlap, leave a hole, or disagree with the live tree."""
    live = live_span_paths()
    spans_of: dict[int, list[OrgSpan]] = {}
    for span in OrgSpan.objects.order_by("org_id", "valid_from"):
        spans_of.setdefault(span.org_id, []).append(span)
    problems: list[SpanProblem] = []
    for org in Org.objects.order_by("path"):

        def report(message: str, org: Org = org) -> None:
            problems.append(SpanProblem(org.pk, org.code, message))

        spans = spans_of.get(org.pk, [])
        if not spans:
            if org.valid_to is None or org.valid_to > org.valid_from:
                report(_("Không có giai đoạn nào."))
            continue
        if spans[0].valid_from != org.valid_from:
            report(
                _("Giai đoạn đầu bắt đầu ngày %(s)s, đơn vị thành lập ngày %(f)s.")
                % {"s": f"{spans[0].valid_from:%d/%m/%Y}", "f": f"{org.valid_from:%d/%m/%Y}"}
            )
        for before, after in zip(spans, spans[1:], strict=False):
            if before.valid_to is None or before.valid_to > after.valid_from:
                report(
                    _("Hai giai đoạn chồng lên nhau từ ngày %(d)s.")
                    % {"d": f"{after.valid_from:%d/%m/%Y}"}
                )
            elif before.valid_to < after.valid_from:
                report(
                    _("Khoảng trống từ ngày %(a)s đến trước ngày %(b)s.")
                    % {"a": f"{before.valid_to:%d/%m/%Y}", "b": f"{after.valid_from:%d/%m/%Y}"}
                )
        last = spans[-1]
        if last.valid_to != org.valid_to:
            report(
                _("Giai đoạn cuối kết thúc %(s)s, đơn vị giải thể %(v)s.")
                % {
                    "s": f"{last.valid_to:%d/%m/%Y}" if last.valid_to else "—",
                    "v": f"{org.valid_to:%d/%m/%Y}" if org.valid_to else "—",
                }
            )
        if last.valid_to is None:
            path, parent_id = live[org.pk]
            current = (last.path, last.parent_id, last.depth, last.name, last.kind, last.field)
            expected = (path, parent_id, org.depth, org.name, org.kind, org.field)
            if current != expected:
                report(
                    _(
                        "Giai đoạn hiện tại không khớp với cây tổ chức "
                        "(vị trí, tên, cấp hoặc lĩnh vực)."
                    )
                )
    return problems


# Apps above the tree that keep figures by unit (the members' monthly aggregates, D39) watch its
# changes: each watcher is a context manager factory entered around a move or a dissolution, with
# the span path that changes and the day it changes from (orgs imports none of them).
SpanWatcher = Callable[[str, date], AbstractContextManager[None]]
_watchers: list[SpanWatcher] = []


def watch(factory: SpanWatcher) -> None:
    """Register a watcher of the tree's changes (once, from an app's ready())."""
    if factory not in _watchers:
        _watchers.append(factory)


@contextmanager
def changing(path: str, day: date) -> Iterator[None]:
    """Enter every watcher around a change of the spans under `path` from `day` on."""
    with ExitStack() as stack:
        for factory in _watchers:
            stack.enter_context(factory(path, day))
        yield
