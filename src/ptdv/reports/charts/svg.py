"""The drawing kit of the charts (`reports.charts`): their input and output types, number
formatting, label wrapping and the SVG primitives every chart is made of.

Pure: plain numbers in, markup out; no database, no JavaScript, no external assets. Every label
passes through `_esc`, so a unit named "<&>" stays text. Numbers are formatted by Django's
`ptdv.core.numbers` in the active language (Vietnamese: 31.045 and 82,5 %, `ptdv.formats.vi`);
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
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from html import escape

from django.conf import settings
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from ptdv.core.numbers import fixed, grouped
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

    @property
    def table_body(self) -> SafeString:
        """Return the data table's rows as HTML (`<tr>`s for its `<tbody>`): written here in one
        pass rather than by the template's loops, which cost a national dashboard's 63 units
        times four charts ≈ 8 ms. Every label, cell and note escaped."""
        lines = []
        for row in self.rows:
            mark = ' class="highlight"' if row.highlight else ""
            cells = "".join(
                f'<td class="num">{escape(cell)}'
                + (f'<br><span class="note">{escape(note)}</span>' if note else "")
                + "</td>"
                for cell, note in row.pairs
            )
            lines.append(f'<tr{mark}><th scope="row">{escape(row.label)}</th>{cells}</tr>')
        return mark_safe("\n".join(lines))  # noqa: S308 - every part escaped above


# --- formatting -------------------------------------------------------------------------------


def number(value: Number | None, *, places: int | None = None) -> str:
    """Return the value as the reports print it: 31.045, 32,4; "—" for no value. Whole values
    have no decimals unless `places` asks; others one decimal, rounded half up."""
    if value is None:
        return "—"
    exact = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    if places is None:
        places = 0 if exact == exact.to_integral_value() else 1
    if places == 0:
        return grouped(int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP)))
    return fixed(exact, places)


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
    return escape(_NOT_XML.sub("", str(text)))


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
