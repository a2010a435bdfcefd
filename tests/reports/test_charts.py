"""The SVG charts (issue 8 item 2): well-formed, proportional, escaped, Vietnamese numbers,
inside their viewBox whatever the data, and the figure partial with its table."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from django.template.loader import render_to_string
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from ptdv.reports import charts
from ptdv.reports.charts import WIDTH, Chart

SVG = "{http://www.w3.org/2000/svg}"
NASTY = 'Chi bộ <Khu phố> "2" & Đảng bộ Phường Bến Nghé — Ấp Đông Hòa'
UNITS = [
    ("Đảng bộ Phường Bến Nghé", 31045),
    ("Chi bộ Khu phố 2 thuộc Đảng bộ Phường Tân Định, Quận 1", 12873),
    (NASTY, 9120),
    ("Chi bộ Trường THPT Lê Quý Đôn", 0),
]


@pytest.fixture(autouse=True)
def _vietnamese():
    with translation.override("vi"):
        yield


def parse(chart: Chart) -> ET.Element:
    return ET.fromstring(str(chart.svg))


def view_box(root: ET.Element) -> tuple[float, float]:
    _x, _y, w, h = (float(v) for v in root.get("viewBox", "").split())
    return w, h


def marks(root: ET.Element) -> list[ET.Element]:
    """Return the drawn rectangles (not those of the patterns' tiles)."""
    tiles = {id(r) for d in root.iter(f"{SVG}defs") for r in d.iter(f"{SVG}rect")}
    return [r for r in root.iter(f"{SVG}rect") if id(r) not in tiles]


def rects(root: ET.Element, group: str) -> list[ET.Element]:
    return [
        r
        for g in root.iter(f"{SVG}g")
        if g.get("class", "").split()[0] == group
        for r in g.iter(f"{SVG}rect")
    ]


def every_chart() -> list[Chart]:
    return [
        charts.bars("Đảng viên theo đơn vị", UNITS, unit="đảng viên", highlight=NASTY),
        charts.columns("Kết nạp theo năm", [("2023", 1588), ("2024", 1704), ("2025", 1932)]),
        charts.stacked("Cơ cấu", [(NASTY, (28000, 2500, 545))], ["Chính thức", "Dự bị", "Miễn"]),
        charts.funnel("Quy trình", [("Quần chúng ưu tú", 200), (NASTY, 165)]),
        charts.progress("Chỉ tiêu năm 2025", 1932, 2000, forecast=2150),
    ]


# --- markup -----------------------------------------------------------------------------------


@pytest.mark.parametrize("chart", every_chart(), ids=lambda c: c.kind)
def test_every_chart_is_well_formed_accessible_svg_scaling_to_its_box(chart):
    root = parse(chart)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("width") == "100%"
    assert view_box(root) == (WIDTH, chart.height)
    assert root.get("aria-label") == f"{chart.title}. {chart.summary}"
    assert root.find(f"{SVG}title").text == chart.title
    assert root.find(f"{SVG}desc").text == chart.summary
    assert "<script" not in str(chart.svg)
    assert "href" not in str(chart.svg)


@pytest.mark.parametrize("chart", every_chart(), ids=lambda c: c.kind)
def test_labels_are_escaped_and_keep_their_diacritics(chart):
    title = 'Biểu <đồ> & "số liệu"'
    chart = getattr(charts, chart.kind)(title, *_arguments(chart.kind))
    root = parse(chart)
    assert root.find(f"{SVG}title").text == title
    assert "<đồ>" not in str(chart.svg)
    if chart.kind != "progress":
        # The full label is each mark's tooltip, however the visible text was shortened.
        tips = [t.text for t in root.iter(f"{SVG}title")]
        assert any(tip.startswith(f"{NASTY}:") for tip in tips)
        assert "&lt;Khu phố&gt; &quot;2&quot; &amp; Đảng bộ" in str(chart.svg)


def _arguments(kind: str) -> tuple:
    return {
        "bars": ([(NASTY, 5)],),
        "columns": ([(NASTY, 5)],),
        "stacked": ([(NASTY, (1, 2))], ["Nữ", "Nam"]),
        "funnel": ([(NASTY, 5)],),
        "progress": (1, 2),
    }[kind]


def test_control_characters_that_xml_forbids_are_dropped():
    chart = charts.bars("Tiêu\x00 đề\x1b", [("Chi\x08 bộ", 1)])
    root = parse(chart)
    assert root.find(f"{SVG}title").text == "Tiêu đề"
    assert chart.rows[0].label == "Chi\x08 bộ"  # the table's label goes through Django's escaping


def test_a_long_label_wraps_to_two_lines_ending_with_an_ellipsis():
    lines = charts.wrap("Đảng bộ Công ty TNHH Một thành viên Dịch vụ Công ích Sài Gòn", 120)
    assert lines == ["Đảng bộ Công ty", "TNHH Một thành…"]
    assert charts.wrap("Chi bộ 2", 120) == ["Chi bộ 2"]
    assert charts.wrap("", 120) == [""]


# --- numbers ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "places", "text"),
    [
        (31045, None, "31.045"),
        (5616000, None, "5.616.000"),
        (0, None, "0"),
        (-12, None, "-12"),
        (Decimal("32.4"), None, "32,4"),
        (Decimal("32.0"), None, "32"),
        (Decimal("32.45"), None, "32,5"),  # half up, as the reports round
        (0.1 + 0.2, None, "0,3"),
        (82.5, 1, "82,5"),
        (None, None, "—"),
    ],
)
def test_numbers_are_written_the_vietnamese_way(value, places, text):
    assert charts.number(value, places=places) == text


def test_percentages_have_one_decimal_a_comma_and_a_space_before_the_sign():
    assert charts.percent_text(charts.share(165, 200)) == "82,5 %"
    assert charts.percent_text(charts.share(200, 200)) == "100,0 %"
    assert charts.percent_text(charts.share(1, 0)) == "—"
    assert charts.share(Decimal("1.5"), 2.0) == Decimal("75.0")


def test_percentages_follow_the_reports_rounding(settings):
    assert charts.share(2, 3) == Decimal("66.7")
    settings.PTDV_REPORTS_ROUNDING = "truncate"
    assert charts.share(2, 3) == Decimal("66.6")


def test_bars_write_each_value_at_its_bar_and_in_the_table():
    chart = charts.bars("Đảng viên", UNITS, unit="đảng viên", highlight=UNITS[0][0])
    texts = [t.text for t in parse(chart).iter(f"{SVG}text")]
    assert "31.045" in texts
    assert "12.873" in texts
    assert "0" in texts
    assert chart.headings == ("Đơn vị", "Số lượng (đảng viên)")
    assert [r.cells for r in chart.rows] == [("31.045",), ("12.873",), ("9.120",), ("0",)]
    assert [r.highlight for r in chart.rows] == [True, False, False, False]
    assert chart.summary == (
        "4 mục; cao nhất: Đảng bộ Phường Bến Nghé (31.045 đảng viên); "
        "thấp nhất: Chi bộ Trường THPT Lê Quý Đôn (0 đảng viên)."
    )


def test_percentage_bars_keep_the_sign_at_the_bar():
    chart = charts.bars("Tỷ lệ nữ", [("Phường A", charts.share(930, 1932))], unit="%")
    assert "48,1 %" in [t.text for t in parse(chart).iter(f"{SVG}text")]
    assert chart.rows[0].cells == ("48,1 %",)


# --- geometry ---------------------------------------------------------------------------------


def test_bar_lengths_are_proportional_to_the_values():
    bars = rects(parse(charts.bars("Đảng viên", UNITS)), "bar")
    widths = [float(r.get("width")) for r in bars]
    assert widths[3] == 0
    for (_label, value), width in zip(UNITS[:3], widths, strict=False):
        assert width / widths[0] == pytest.approx(value / 31045, abs=1e-3)


def test_column_heights_are_proportional_to_the_values():
    chart = charts.columns("Kết nạp", [("2023", 500), ("2024", 1000), ("2025", 0)])
    heights = [float(r.get("height")) for r in rects(parse(chart), "column")]
    assert heights[0] * 2 == pytest.approx(heights[1], abs=0.02)
    assert heights[2] == 0


def test_stacked_parts_are_shares_of_a_full_bar():
    chart = charts.stacked("Nữ / nam", [("Toàn tỉnh", (930, 1002))], ["Nữ", "Nam"])
    root = parse(chart)
    women, men = (float(r.get("width")) for r in rects(root, "stack"))
    assert women / (women + men) == pytest.approx(930 / 1932, abs=1e-4)
    assert chart.rows[0].cells == ("930", "1.002", "1.932")
    assert chart.rows[0].notes == ("48,1 %", "51,9 %", "")
    assert chart.legend == ("Nữ", "Nam")
    # The second part is told apart by a pattern, not by colour alone (black-and-white print).
    assert root.find(f"{SVG}defs/{SVG}pattern") is not None
    assert [t.text for t in root.iter(f"{SVG}text") if t.text and "%" in t.text] == [
        "48,1 %",
        "51,9 %",
    ]


def test_stacked_needs_one_value_per_part():
    with pytest.raises(ValueError, match="2 values for 3 parts"):
        charts.stacked("Cơ cấu", [("A", (1, 2))], ["x", "y", "z"])


def test_funnel_gives_the_conversion_from_the_previous_stage():
    chart = charts.funnel(
        "Quy trình",
        [("Quần chúng ưu tú", 200), ("Học lớp nhận thức", 165), ("Biểu quyết", 0), ("Kết nạp", 5)],
    )
    assert [r.cells for r in chart.rows] == [
        ("200", ""),
        ("165", "82,5 %"),
        ("0", "0,0 %"),
        ("5", "—"),  # after an empty stage: no division by zero
    ]
    texts = [t.text for t in parse(chart).iter(f"{SVG}text")]
    assert "↓ 82,5 %" in texts
    assert "↓ —" in texts
    assert chart.headings == ("Bước", "Số lượng", "Tỷ lệ so với bước trước")
    assert chart.summary.endswith("tỷ lệ chung 2,5 %.")


def test_progress_marks_target_and_forecast_on_one_scale():
    chart = charts.progress("Chỉ tiêu", 1500, 2000, forecast=2500)
    root = parse(chart)
    achieved = next(r for r in root.iter(f"{SVG}rect") if r.get("class") == "achieved")
    track = next(r for r in root.iter(f"{SVG}rect") if r.get("class") == "track")
    assert float(achieved.get("width")) / float(track.get("width")) == pytest.approx(0.6, 1e-3)
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "Đã đạt 1.500 / chỉ tiêu 2.000 (75,0 %)" in texts
    assert "Chỉ tiêu 2.000" in texts
    assert "Dự báo 2.500" in texts
    assert [(r.label, r.cells) for r in chart.rows] == [
        ("Đã đạt", ("1.500",)),
        ("Chỉ tiêu", ("2.000",)),
        ("Dự báo", ("2.500",)),
        ("Tỷ lệ hoàn thành", ("75,0 %",)),
    ]


# --- empty, zero, negative --------------------------------------------------------------------


@pytest.mark.parametrize(
    "chart",
    [
        charts.bars("Trống", []),
        charts.columns("Trống", []),
        charts.stacked("Trống", [], ["Nữ", "Nam"]),
        charts.funnel("Trống", []),
    ],
    ids=lambda c: c.kind,
)
def test_no_data_draws_a_chart_saying_so(chart):
    root = parse(chart)
    assert [t.text for t in root.iter(f"{SVG}text")] == ["Chưa có số liệu"]
    assert chart.empty
    assert chart.rows == ()
    assert chart.summary == "Chưa có số liệu"


@pytest.mark.parametrize(
    "chart",
    [
        charts.bars("Không", [("A", 0), ("B", 0)]),
        charts.bars("Âm", [("A", -5), ("B", 10)]),
        charts.columns("Không", [("2024", 0), ("2025", -3)]),
        charts.stacked("Không", [("A", (0, 0)), ("B", (-1, 3))], ["x", "y"]),
        charts.funnel("Không", [("A", 0), ("B", 0)]),
        charts.progress("Không", 0, 0),
        charts.progress("Âm", -3, None, forecast=-1),
    ],
    ids=lambda c: c.title + "-" + c.kind,
)
def test_zero_and_negative_values_draw_no_negative_lengths(chart):
    root = parse(chart)
    width, height = view_box(root)
    for rect in marks(root):
        assert float(rect.get("width")) >= 0
        assert float(rect.get("height")) >= 0
        assert float(rect.get("x")) + float(rect.get("width")) <= width + 0.01
    assert not chart.empty


def test_a_negative_value_is_written_though_it_has_no_bar():
    chart = charts.bars("Âm", [("A", -5), ("B", 10)])
    assert "-5" in [t.text for t in parse(chart).iter(f"{SVG}text")]


def test_progress_without_a_target_has_no_rate():
    chart = charts.progress("Chỉ tiêu", 12, None)
    assert chart.rows[-1].cells == ("—",)
    assert chart.rows[1].cells == ("—",)


# --- never outside the viewBox ----------------------------------------------------------------

labels = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=80)
values = st.integers(min_value=-1000, max_value=10_000_000)


def assert_inside(chart: Chart) -> None:
    """Assert every mark and every start/end-anchored text (at its estimated width) lies in the
    viewBox."""
    root = parse(chart)
    width, height = view_box(root)
    for rect in marks(root):
        x, y = float(rect.get("x")), float(rect.get("y"))
        w, h = float(rect.get("width")), float(rect.get("height"))
        assert 0 <= x <= x + w <= width + 0.01, (x, w)
        assert 0 <= y <= y + h <= height + 0.01, (y, h)
    for text in root.iter(f"{SVG}text"):
        if text.get("transform"):
            continue
        x, y = float(text.get("x")), float(text.get("y"))
        size = float(text.get("font-size", charts.FONT))
        estimate = charts._text_width(text.text or "", size)
        anchor = text.get("text-anchor", "start")
        left = {"start": x, "middle": x - estimate / 2, "end": x - estimate}[anchor]
        assert -0.5 <= left <= left + estimate <= width + 0.5, (text.text, left, estimate)
        assert 0 < y <= height, (text.text, y)


@given(st.lists(st.tuples(labels, values), max_size=30))
def test_bars_are_proportional_and_stay_inside_the_view_box(items):
    chart = charts.bars("Biểu", items)
    assert_inside(chart)
    widths = [float(r.get("width")) for r in rects(parse(chart), "bar")]
    top = max((v for _l, v in items), default=0)
    longest = max(widths, default=0)
    for (_label, value), width in zip(items, widths, strict=True):
        expected = longest * value / top if value > 0 else 0
        assert width == pytest.approx(expected, abs=0.02)


@given(st.lists(st.tuples(labels, values), max_size=40))
def test_columns_are_proportional_and_stay_inside_the_view_box(items):
    chart = charts.columns("Biểu", items)
    assert_inside(chart)
    heights = [float(r.get("height")) for r in rects(parse(chart), "column")]
    top = max((v for _l, v in items), default=0)
    tallest = max(heights, default=0)
    for (_label, value), height in zip(items, heights, strict=True):
        assert height == pytest.approx(tallest * value / top if value > 0 else 0, abs=0.02)


@given(
    st.lists(st.lists(st.integers(0, 100_000), min_size=3, max_size=3), max_size=10),
    st.lists(labels, min_size=3, max_size=3),
)
def test_stacked_bars_fill_the_row_and_stay_inside_the_view_box(rows, parts):
    chart = charts.stacked("Biểu", [(f"Đơn vị {n}", r) for n, r in enumerate(rows)], parts)
    assert_inside(chart)


@given(st.lists(st.tuples(labels, values), max_size=12))
def test_funnels_stay_inside_the_view_box(stages):
    assert_inside(charts.funnel("Biểu", stages))


@given(values, st.one_of(st.none(), values), st.one_of(st.none(), values))
def test_progress_stays_inside_the_view_box(achieved, target, forecast):
    assert_inside(charts.progress("Biểu", achieved, target, forecast))


# --- the partial ------------------------------------------------------------------------------


def test_the_partial_renders_the_figure_with_its_table():
    chart = charts.bars("Đảng viên theo đơn vị", UNITS, highlight=UNITS[0][0])
    html = render_to_string("reports/_chart.html", {"chart": chart})
    assert html.count("<figure") == 1
    assert "<figcaption>Đảng viên theo đơn vị</figcaption>" in html
    assert html.count("<svg") == 1
    assert "<caption>Số liệu: Đảng viên theo đơn vị</caption>" in html
    assert '<th scope="row">Đảng bộ Phường Bến Nghé</th><td class="num">31.045</td>' in html
    assert '<tr class="highlight">' in html
    assert "Chi bộ &lt;Khu phố&gt; &quot;2&quot; &amp; Đảng bộ" in html
    assert "<Khu phố>" not in html
    assert f'<p class="sr-only">{chart.summary}</p>' in html


def test_the_partial_writes_shares_under_the_counts():
    chart = charts.stacked("Nữ / nam", [("Toàn tỉnh", (930, 1002))], ["Nữ", "Nam"])
    html = render_to_string("reports/_chart.html", {"chart": chart})
    assert '<td class="num">930<br><span class="note">48,1 %</span></td>' in html


def test_the_partial_of_an_empty_chart_has_no_table():
    html = render_to_string("reports/_chart.html", {"chart": charts.funnel("Quy trình", [])})
    assert "Chưa có số liệu" in html
    assert "<table" not in html
