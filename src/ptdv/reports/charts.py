"""Server-rendered SVG charts for the dashboard and the reports (issue 8 item 2): each chart is
an SVG with its data table and a sentence for screen readers, so the same figure shows on the
page, in print and in exported documents.

Pure: plain numbers in, markup out; no database, no JavaScript, no external assets. Every label
passes through `_esc`, so a unit named "<&>" stays text. Numbers are formatted by Django's
`number_format` in the active language (Vietnamese: 31.045 and 82,5 %, `ptdv.formats.vi`);
percentages are rounded by `PTDV_REPORTS_ROUNDING` through `reports.rules.percent`.

Geometry: every chart is drawn in a viewBox `WIDTH` units wide and scaled by CSS to its box
(`width="100%"`), from a 375 px phone to a desktop. Text widths are estimated (`_text_width`), as
the server knows no font metrics; long labels wrap to two lines and end with "…", the full label
in the `<title>` a pointer or a screen reader shows. Colours are the stylesheet's palette written
as attributes (exported documents carry no CSS); the parts of a stacked bar also differ by
pattern, and every value is written beside its mark, so a black-and-white print reads.
"""

from __future__ import annotations

import hashlib
import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.utils.formats import number_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from ptdv.reports import rules

Number = int | float | Decimal

WIDTH = 340  # the viewBox width; heights follow the content
FONT = 12  # label size in viewBox units
SMALL = 11
PAD = 8
# The palette of ptdv.css (:root), as attributes: exported documents carry no stylesheet.
INK, MUTED, LINE, TRACK = "#1d2228", "#5b6470", "#d9dde3", "#eef0f3"
RED, RED_DARK, BLUE, GOLD, GREEN = "#b3121b", "#8a0d14", "#0b57a4", "#ffd400", "#1f7a3a"
BAR = "#5b6470"  # ordinary bars: the muted ink; the highlighted one is red
# The parts of a stacked bar: a colour and a pattern each, so they differ in grey print too.
# (base colour, pattern, colour of a share written on it).
PART_STYLES: tuple[tuple[str, str, str], ...] = (
    (RED, "solid", "#fff"),
    (BLUE, "hatch", "#fff"),
    (GOLD, "dots", INK),
    (GREEN, "cross", "#fff"),
    (MUTED, "solid", "#fff"),
    (LINE, "hatch", INK),
)
NO_DATA = "Chưa có số liệu"

# Characters XML 1.0 forbids even escaped (C0 controls but tab/newline/return, surrogates, …).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


# --- input and output -------------------------------------------------------------------------


@dataclass(frozen=True)
class Item:
    """One labelled value: a bar, a column, a funnel stage."""

    label: str
    value: Number


@dataclass(frozen=True)
class Series:
    """One labelled row of parts: a stacked bar (values in the order of the chart's parts)."""

    label: str
    values: tuple[Number, ...]


@dataclass(frozen=True)
class Row:
    """One row of the data table beside the chart: a label and the formatted cells."""

    label: str
    cells: tuple[str, ...]
    highlight: bool = False
    notes: tuple[str, ...] = ()  # a second, smaller line under each cell ("" for none)

    @property
    def pairs(self) -> list[tuple[str, str]]:
        """Return each cell with its note."""
        return [(c, self.notes[n] if n < len(self.notes) else "") for n, c in enumerate(self.cells)]


@dataclass(frozen=True)
class Chart:
    kind: str  # bars, columns, stacked, funnel, progress
    title: str
    svg: SafeString
    headings: tuple[str, ...]  # the data table's column headings, the label column first
    rows: tuple[Row, ...]
    summary: str  # one sentence for screen readers, also the SVG's <desc>
    width: int = WIDTH
    height: int = 0
    legend: tuple[str, ...] = field(default=())

    @property
    def empty(self) -> bool:
        return not self.rows


# --- formatting -------------------------------------------------------------------------------


def number(value: Number | None, *, places: int | None = None) -> str:
    """Return the value as the reports print it: 31.045, 32,4; "—" for no value. Whole values
    have no decimals unless `places` asks; others one decimal, rounded half up."""
    if value is None:
        return "—"
    exact = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    if places is None:
        places = 0 if exact == exact.to_integral_value() else 1
    rounded = exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    if places == 0:
        return number_format(int(rounded), force_grouping=True)
    return number_format(rounded, places, force_grouping=True)


def share(part: Number, whole: Number) -> Decimal | None:
    """Return part / whole in percent to one decimal, rounded as the reports round
    (`PTDV_REPORTS_ROUNDING`); None when whole is 0 (a share of nothing is not 0 %)."""
    mode = str(getattr(settings, "PTDV_REPORTS_ROUNDING", "round"))
    if isinstance(part, int) and isinstance(whole, int):
        return rules.percent(part, whole, mode=mode, places=1)
    if Decimal(str(whole)) == 0:
        return None
    exact = Decimal(str(part)) * 100 / Decimal(str(whole))
    return exact.quantize(Decimal("0.1"), rounding=rules.ROUNDING_MODES[mode])


def percent_text(value: Decimal | None) -> str:
    """Return 82,5 % (a space before the sign, as Vietnamese typesetting has it); "—" for None."""
    return "—" if value is None else f"{number(value, places=1)} %"


def _esc(text: object) -> str:
    """Return the text escaped for XML text and attributes, without characters XML forbids."""
    return str(escape(_NOT_XML.sub("", str(text))))


def _text_width(text: str, size: float = FONT) -> float:
    """Return an estimate of the text's width: 0.6 em a character (system sans fonts average
    a little less; capitals and "m" a little more), combining marks nothing."""
    text = unicodedata.normalize("NFC", text)
    return sum(0 if unicodedata.combining(c) else 0.6 for c in text) * size


def wrap(label: str, width: float, *, lines: int = 2, size: float = FONT) -> list[str]:
    """Return the label broken into at most `lines` lines each fitting `width`, the last one
    ended with "…" when the label does not fit."""
    label = " ".join(_NOT_XML.sub("", label).split())
    per_line = max(1, int(width // (0.6 * size)))
    words = label.split(" ") if label else []
    out: list[str] = []
    current = ""
    for word in words:
        candidate = f"{current} {word}" if current else word
        if len(candidate) <= per_line:
            current = candidate
            continue
        if current:
            out.append(current)
        current = word
        while len(current) > per_line:  # a word longer than a line is cut
            out.append(current[:per_line])
            current = current[per_line:]
    if current:
        out.append(current)
    if len(out) > lines:
        last = out[lines - 1]
        out = out[: lines - 1] + [(last[: per_line - 1].rstrip() or last[:1]) + "…"]
    return out or [""]


# --- svg --------------------------------------------------------------------------------------


def _uid(kind: str, title: str, data: object) -> str:
    """Return an id prefix for the chart's patterns: stable, and distinct between the charts of
    one page unless they are the same chart."""
    return "ch" + hashlib.sha1(f"{kind}|{title}|{data!r}".encode()).hexdigest()[:8]


def _svg(kind: str, title: str, summary: str, height: float, body: list[str]) -> SafeString:
    height = round(height)
    label = f"{title}. {summary}" if summary else title
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart-svg chart-{kind}" role="img" '
        f'viewBox="0 0 {WIDTH} {height}" width="100%" preserveAspectRatio="xMinYMin meet" '
        f'aria-label="{_esc(label)}" font-size="{FONT}" fill="{INK}">'
        f"<title>{_esc(title)}</title><desc>{_esc(summary)}</desc>"
    )
    return mark_safe(head + "".join(body) + "</svg>")  # every text went through _esc


def _text(x: float, y: float, text: str, *, anchor: str = "start", size: float = FONT,
          weight: str = "", fill: str = INK, halo: str = "", cls: str = "") -> str:  # fmt: skip
    attrs = [f'x="{x:.1f}"', f'y="{y:.1f}"']
    if anchor != "start":
        attrs.append(f'text-anchor="{anchor}"')
    if size != FONT:
        attrs.append(f'font-size="{size}"')
    if weight:
        attrs.append(f'font-weight="{weight}"')
    if fill != INK:
        attrs.append(f'fill="{fill}"')
    if halo:  # an outline of the fill's colour keeps the glyphs clear of a pattern under them
        attrs.append(
            f'stroke="{halo}" stroke-width="3" stroke-linejoin="round" paint-order="stroke"'
        )
    if cls:
        attrs.append(f'class="{cls}"')
    return f"<text {' '.join(attrs)}>{_esc(text)}</text>"


def _lines(x: float, y: float, lines: list[str], *, anchor: str = "end", weight: str = "") -> str:
    """Return the lines of a label centred vertically on y."""
    step = FONT * 1.15
    top = y - step * (len(lines) - 1) / 2 + FONT * 0.35
    return "".join(
        _text(x, top + i * step, line, anchor=anchor, weight=weight) for i, line in enumerate(lines)
    )


def _rect(x: float, y: float, w: float, h: float, fill: str, *, cls: str = "",
          extra: str = "") -> str:  # fmt: skip
    klass = f' class="{cls}"' if cls else ""
    more = f" {extra}" if extra else ""
    return (
        f'<rect x="{x:.2f}" y="{y:.2f}" width="{max(w, 0):.2f}" height="{max(h, 0):.2f}" '
        f'fill="{fill}"{klass}{more}/>'
    )


def _within(x: float, width: float) -> tuple[float, str]:
    """Return where and how to anchor a text of this width centred on x, kept inside the
    viewBox: against an edge it is aligned to the edge instead."""
    if x - width / 2 < 0:
        return 0.0, "start"
    if x + width / 2 > WIDTH:
        return float(WIDTH), "end"
    return x, "middle"


def _empty(kind: str, title: str, headings: tuple[str, ...]) -> Chart:
    message = _(NO_DATA)
    body = [
        _rect(0.5, 0.5, WIDTH - 1, 59, "#fff", extra=f'stroke="{LINE}" stroke-dasharray="4 3"'),
        _text(WIDTH / 2, 34, message, anchor="middle", fill=MUTED),
    ]
    svg = _svg(kind, title, message, 60, body)
    return Chart(kind, title, svg, headings, (), message, height=60)


def _value(value: Number, unit: str) -> str:
    """Return the value with its unit (percentages always with one decimal)."""
    if unit == "%":
        return f"{number(value, places=1)} %"
    return f"{number(value)} {unit}".strip()


def _mark(value: Number, unit: str) -> str:
    """Return the value as written at a mark: the unit is in the table's heading, but a
    percentage keeps its sign."""
    return _value(value, unit) if unit == "%" else number(value)


def _items(items: Sequence[Item | tuple[str, Number]]) -> list[Item]:
    return [i if isinstance(i, Item) else Item(str(i[0]), i[1]) for i in items]


def _patterns(uid: str, count: int) -> str:
    """Return the <defs> of the first `count` part styles (a fill and a pattern each)."""
    defs = []
    for n, (colour, kind, _ink) in enumerate(PART_STYLES[:count]):
        if kind == "solid":
            continue
        marks = {
            "hatch": '<path d="M0 6L6 0M-1 1L1 -1M5 7L7 5" stroke="#fff" stroke-width="1.6"/>',
            "dots": f'<circle cx="3" cy="3" r="1.3" fill="{INK}"/>',
            "cross": '<path d="M0 3H6M3 0V6" stroke="#fff" stroke-width="1.4"/>',
        }[kind]
        defs.append(
            f'<pattern id="{uid}-p{n}" width="6" height="6" patternUnits="userSpaceOnUse">'
            f'<rect width="6" height="6" fill="{colour}"/>{marks}</pattern>'
        )
    return f"<defs>{''.join(defs)}</defs>" if defs else ""


def _part_fill(uid: str, n: int) -> str:
    colour, kind, _ink = PART_STYLES[n % len(PART_STYLES)]
    return colour if kind == "solid" else f"url(#{uid}-p{n % len(PART_STYLES)})"


# --- the charts -------------------------------------------------------------------------------


def bars(
    title: str,
    items: Sequence[Item | tuple[str, Number]],
    *,
    unit: str = "",
    highlight: str | None = None,
    label_heading: str = "Đơn vị",
) -> Chart:
    """Return a horizontal bar chart: labels on the left (two lines at most), each value at its
    bar's end; the `highlight` label's bar in red and its label bold. Bars start at zero; a
    zero or negative value has no bar, its value is still written."""
    data = _items(items)
    value_heading = _("Số lượng") + (f" ({unit})" if unit else "")
    headings = (_(label_heading), value_heading)
    if not data:
        return _empty("bars", title, headings)
    texts = [_mark(i.value, unit) for i in data]
    label_w = WIDTH * 0.36
    value_w = max(_text_width(t) for t in texts) + PAD
    x0 = label_w + PAD
    span = WIDTH - x0 - value_w - 2
    top = max((float(i.value) for i in data), default=0.0)
    body: list[str] = []
    y = 4.0
    for item, text in zip(data, texts, strict=True):
        lines = wrap(item.label, label_w)
        row_h = max(22.0, FONT * 1.15 * len(lines) + 8)
        mid = y + row_h / 2
        length = span * float(item.value) / top if top > 0 and item.value > 0 else 0.0
        on = highlight is not None and item.label == highlight
        body.append(
            f'<g class="bar{" highlight" if on else ""}"><title>{_esc(item.label)}: '
            f"{_esc(text)}</title>"
            + _lines(label_w, mid, lines, weight="bold" if on else "")
            + _rect(x0, mid - 7, length, 14, RED if on else BAR)
            + _text(x0 + length + 4, mid + FONT * 0.35, text, weight="bold" if on else "")
            + "</g>"
        )
        y += row_h
    body.insert(0, f'<path d="M{x0:.2f} 2V{y + 2:.2f}" stroke="{INK}" stroke-width="1"/>')
    highest = max(data, key=lambda i: i.value)
    lowest = min(data, key=lambda i: i.value)
    summary = _("{n} mục; cao nhất: {hi} ({hv}); thấp nhất: {lo} ({lv}).").format(
        n=number(len(data)),
        hi=highest.label,
        hv=_value(highest.value, unit),
        lo=lowest.label,
        lv=_value(lowest.value, unit),
    )
    rows = tuple(
        Row(i.label, (t,), highlight is not None and i.label == highlight)
        for i, t in zip(data, texts, strict=True)
    )
    height = y + 6
    return Chart("bars", title, _svg("bars", title, summary, height, body), headings, rows,
                 summary, height=round(height))  # fmt: skip


def columns(
    title: str,
    items: Sequence[Item | tuple[str, Number]],
    *,
    unit: str = "",
    label_heading: str = "Năm",
) -> Chart:
    """Return vertical columns for a time series (admissions per year): the period under each
    column, the value above it (smaller, or left to the table, when the columns are narrow)."""
    data = _items(items)
    value_heading = _("Số lượng") + (f" ({unit})" if unit else "")
    headings = (_(label_heading), value_heading)
    if not data:
        return _empty("columns", title, headings)
    texts = [_mark(i.value, unit) for i in data]
    slot = (WIDTH - 2 * PAD) / len(data)
    col_w = min(slot * 0.7, 48.0)
    top = max((float(i.value) for i in data), default=0.0)
    # Values stand above their columns, turned upright when the columns are too narrow for them.
    longest = max(_text_width(t, SMALL) for t in texts)
    upright = longest + 2 > slot
    top_m = (longest + 8) if upright else 20.0
    # Periods under the columns: at least 9.5 units high, else only every n-th is named.
    label_chars = max(len(i.label) for i in data) or 1
    label_size = min(FONT, (slot - 2) / (0.6 * label_chars))
    every = 1
    if label_size < 9.5:
        label_size = 9.5
        every = math.ceil((0.6 * label_size * label_chars + 4) / slot)
    height = 200.0
    base = height - 24.0
    plot_h = base - top_m
    body = [f'<path d="M{PAD} {base:.2f}H{WIDTH - PAD}" stroke="{INK}" stroke-width="1"/>']
    for n, (item, text) in enumerate(zip(data, texts, strict=True)):
        cx = PAD + slot * (n + 0.5)
        h = plot_h * float(item.value) / top if top > 0 and item.value > 0 else 0.0
        parts = [f'<g class="column"><title>{_esc(item.label)}: {_esc(text)}</title>',
                 _rect(cx - col_w / 2, base - h, col_w, h, RED)]  # fmt: skip
        if upright:
            y = base - h - 4
            parts.append(
                f'<text x="{cx + SMALL * 0.35:.1f}" y="{y:.1f}" font-size="{SMALL}" '
                f'transform="rotate(-90 {cx + SMALL * 0.35:.1f} {y:.1f})">{_esc(text)}</text>'
            )
        else:
            parts.append(_text(cx, base - h - 4, text, anchor="middle", size=SMALL))
        if n % every == 0:
            room = min(slot * every - 2, WIDTH - 2 * PAD)
            label = wrap(item.label, room, lines=1, size=label_size)[0]
            x, anchor = _within(cx, _text_width(label, label_size))
            size = round(label_size, 1)
            parts.append(_text(x, base + 16, label, anchor=anchor, size=size, fill=MUTED))
        body.append("".join(parts) + "</g>")
    highest = max(data, key=lambda i: i.value)
    summary = _("Từ {first} đến {last}: {fv} rồi {lv}; cao nhất {hi} ({hv}).").format(
        first=data[0].label,
        last=data[-1].label,
        fv=texts[0],
        lv=texts[-1],
        hi=highest.label,
        hv=_value(highest.value, unit),
    )
    rows = tuple(Row(i.label, (t,)) for i, t in zip(data, texts, strict=True))
    return Chart("columns", title, _svg("columns", title, summary, height, body), headings, rows,
                 summary, height=round(height))  # fmt: skip


def stacked(
    title: str,
    items: Sequence[Series | tuple[str, Sequence[Number]]],
    parts: Sequence[str],
    *,
    label_heading: str = "Đơn vị",
) -> Chart:
    """Return 100 % stacked horizontal bars (official / probationary / exempted; women / men):
    each row's parts as shares of the row's sum, the share written in a part wide enough for
    it, a legend above. A row summing to zero (or less) is drawn as an empty outline."""
    data = [s if isinstance(s, Series) else Series(str(s[0]), tuple(s[1])) for s in items]
    for s in data:
        if len(s.values) != len(parts):
            raise ValueError(f"{s.label!r} has {len(s.values)} values for {len(parts)} parts")
    headings = (_(label_heading), *parts, _("Tổng số"))
    if not data or not parts:
        return _empty("stacked", title, headings)
    uid = _uid("stacked", title, data)
    body = [_patterns(uid, len(parts))]
    # The legend: swatch and name per part, flowing onto more lines as needed.
    x, y = 0.0, 4.0
    for n, name in enumerate(parts):
        w = 16 + _text_width(name, SMALL) + 14
        if x > 0 and x + w > WIDTH:
            x, y = 0.0, y + 18
        body.append(
            f'<g class="legend">{_rect(x, y, 12, 12, _part_fill(uid, n), extra=f"stroke={INK!r}")}'
            f"{_text(x + 16, y + 10.5, name, size=SMALL)}</g>"
        )
        x += w
    y += 26
    label_w = WIDTH * 0.3
    x0 = label_w + PAD
    span = WIDTH - x0 - 2
    rows = []
    for s in data:
        # Negative parts count as none; mixed int / float / Decimal sum as Decimal.
        values = [max(v if isinstance(v, int) else Decimal(str(v)), 0) for v in s.values]
        whole = sum(values)
        shares = [share(v, whole) if whole > 0 else None for v in values]
        lines = wrap(s.label, label_w)
        row_h = max(24.0, FONT * 1.15 * len(lines) + 8)
        mid = y + row_h / 2
        summed = sum(Decimal(v) for v in s.values)
        cells = [number(v) for v in s.values]
        notes = [percent_text(p) for p in shares]
        rows.append(Row(s.label, (*cells, number(summed)), notes=(*notes, "")))
        tip = "; ".join(f"{p}: {c} ({n})" for p, c, n in zip(parts, cells, notes, strict=True))
        group = [f'<g class="stack"><title>{_esc(s.label)}: {_esc(tip)}</title>',
                 _lines(label_w, mid, lines)]  # fmt: skip
        left = x0
        for n, v in enumerate(values):
            w = span * float(v) / float(whole) if whole > 0 else 0.0
            if w <= 0:
                continue
            group.append(_rect(left, mid - 8, w, 16, _part_fill(uid, n),
                               extra='stroke="#fff" stroke-width="0.5"'))  # fmt: skip
            label = percent_text(shares[n])
            if _text_width(label, SMALL) + 4 <= w:
                colour, _kind, ink = PART_STYLES[n % len(PART_STYLES)]
                group.append(_text(left + w / 2, mid + 3.7, label, anchor="middle", size=SMALL,
                                   fill=ink, halo=colour))  # fmt: skip
            left += w
        if whole <= 0:
            group.append(_rect(x0, mid - 8, span, 16, "none", extra=f'stroke="{LINE}"'))
        body.append("".join(group) + "</g>")
        y += row_h
    summary = _("{n} mục, mỗi thanh là 100 % chia theo: {parts}.").format(
        n=number(len(data)), parts=", ".join(parts)
    )
    height = y + 4
    return Chart("stacked", title, _svg("stacked", title, summary, height, body), headings,
                 tuple(rows), summary, height=round(height), legend=tuple(parts))  # fmt: skip


def funnel(
    title: str,
    stages: Sequence[Item | tuple[str, Number]],
    *,
    label_heading: str = "Bước",
) -> Chart:
    """Return the pipeline funnel: each stage a centred bar as wide as its count (of the
    largest), the count and the conversion from the previous stage on the right, the label on
    the left. The conversion of a stage after an empty one is "—", never a division by zero."""
    data = _items(stages)
    headings = (_(label_heading), _("Số lượng"), _("Tỷ lệ so với bước trước"))
    if not data:
        return _empty("funnel", title, headings)
    conversions: list[Decimal | None] = [None]
    for before, after in zip(data, data[1:], strict=False):
        prior = max(before.value, 0)
        conversions.append(share(max(after.value, 0), prior) if prior > 0 else None)
    counts = [number(i.value) for i in data]
    label_w = WIDTH * 0.32
    arrows = [""] + [f"↓ {percent_text(c)}" for c in conversions[1:]]
    right_w = max([_text_width(c) for c in counts] + [_text_width(a, SMALL) for a in arrows]) + PAD
    x0 = label_w + PAD
    span = WIDTH - x0 - right_w - PAD
    centre = x0 + span / 2
    top = max((float(i.value) for i in data), default=0.0)
    body: list[str] = []
    y = 4.0
    row_h = 34.0
    previous: tuple[float, float] | None = None
    for n, (item, count, arrow) in enumerate(zip(data, counts, arrows, strict=True)):
        lines = wrap(item.label, label_w)
        mid = y + row_h / 2
        w = span * float(item.value) / top if top > 0 and item.value > 0 else 0.0
        w = max(w, 1.0) if item.value > 0 else 0.0
        group = [f'<g class="stage"><title>{_esc(item.label)}: {_esc(count)} {_esc(arrow)}'
                 "</title>"]  # fmt: skip
        if previous is not None and (previous[1] > 0 or w > 0):
            pw = previous[1]
            group.append(
                f'<path d="M{centre - pw / 2:.2f} {previous[0]:.2f}H{centre + pw / 2:.2f}'
                f"L{centre + w / 2:.2f} {mid - 10:.2f}H{centre - w / 2:.2f}Z"
                f'" fill="{TRACK}"/>'
            )
        group.append(_lines(label_w, mid, lines))
        group.append(_rect(centre - w / 2, mid - 10, w, 20, RED))
        right = x0 + span + PAD
        if n:
            group.append(_text(right, mid - 1, count, weight="bold"))
            group.append(_text(right, mid + 11, arrow, size=SMALL, fill=MUTED))
        else:
            group.append(_text(right, mid + 4, count, weight="bold"))
        body.append("".join(group) + "</g>")
        previous = (mid + 10, w)
        y += row_h
    overall = share(max(data[-1].value, 0), data[0].value) if data[0].value > 0 else None
    summary = _("{n} bước, từ {first} ({fv}) đến {last} ({lv}); tỷ lệ chung {p}.").format(
        n=number(len(data)),
        first=data[0].label,
        fv=counts[0],
        last=data[-1].label,
        lv=counts[-1],
        p=percent_text(overall),
    )
    rows = tuple(
        Row(i.label, (c, "" if n == 0 else percent_text(p)))
        for n, (i, c, p) in enumerate(zip(data, counts, conversions, strict=True))
    )
    height = y + 4
    return Chart("funnel", title, _svg("funnel", title, summary, height, body), headings, rows,
                 summary, height=round(height))  # fmt: skip


def progress(
    title: str,
    achieved: Number,
    target: Number | None,
    forecast: Number | None = None,
) -> Chart:
    """Return a bullet chart: the achieved bar on a track, the target a black line under its
    value, the forecast (if any) a dashed line with its value above. No target (or zero) shows
    the achieved value alone with "—" for the rate."""
    headings = (_("Chỉ số"), _("Số lượng"))
    target_value = target if target is not None and target > 0 else 0
    rate = share(max(achieved, 0), target_value) if target_value > 0 else None
    scale = max(float(achieved), float(target_value), float(forecast or 0), 0.0)
    line = _("Đã đạt {a} / chỉ tiêu {t} ({p})").format(
        a=number(achieved), t=number(target) if target is not None else "—", p=percent_text(rate)
    )
    x0, span = PAD, WIDTH - 2 * PAD
    # The headline wraps (bold glyphs are wider: 0.65 em); the track goes under it.
    heads = wrap(line, span, lines=3, size=FONT * 1.1)
    body = [_text(x0, 16 + 15 * n, text, weight="bold") for n, text in enumerate(heads)]
    track_y = 42.0 + 15 * (len(heads) - 1)

    def at(v: Number) -> float:
        return x0 + (span * max(float(v), 0.0) / scale if scale > 0 else 0.0)

    body.append(_rect(x0, track_y, span, 22, TRACK, cls="track"))
    body.append(_rect(x0, track_y + 5, at(achieved) - x0, 12, RED, cls="achieved"))

    if forecast is not None:
        fx = at(forecast)
        body.append(f'<path class="forecast" d="M{fx:.2f} {track_y - 6}V{track_y + 28}" '
                    f'stroke="{INK}" stroke-width="2" stroke-dasharray="3 2"/>')  # fmt: skip
        text = _("Dự báo {v}").format(v=number(forecast))
        x, anchor = _within(fx, _text_width(text, SMALL))
        body.append(_text(x, track_y - 9, text, anchor=anchor, size=SMALL))
    if target_value > 0:
        tx = at(target_value)
        body.append(f'<path class="target" d="M{tx:.2f} {track_y - 2}V{track_y + 24}" '
                    f'stroke="{INK}" stroke-width="3"/>')  # fmt: skip
        text = _("Chỉ tiêu {v}").format(v=number(target))
        x, anchor = _within(tx, _text_width(text, SMALL))
        body.append(_text(x, track_y + 38, text, anchor=anchor, size=SMALL))
    summary = line + (
        "; " + _("dự báo cả kỳ {v}").format(v=number(forecast)) if forecast is not None else ""
    ) + "."  # fmt: skip
    rows = [Row(_("Đã đạt"), (number(achieved),)),
            Row(_("Chỉ tiêu"), (number(target) if target is not None else "—",))]  # fmt: skip
    if forecast is not None:
        rows.append(Row(_("Dự báo"), (number(forecast),)))
    rows.append(Row(_("Tỷ lệ hoàn thành"), (percent_text(rate),)))
    height = track_y + 46
    return Chart("progress", title, _svg("progress", title, summary, height, body), headings,
                 tuple(rows), summary, height=round(height))  # fmt: skip


__all__ = [
    "Chart",
    "Item",
    "Row",
    "Series",
    "bars",
    "columns",
    "funnel",
    "number",
    "percent_text",
    "progress",
    "share",
    "stacked",
    "wrap",
]
