"""The SVG charts: labelled for assistive technology, text escaped, marks where data is."""

from dashboard import svg, svg_plots

EVIL = '<script>alert("x")</script> & Co'


def test_a_chart_is_labelled_and_escapes_its_text():
    chart = str(
        svg.hbars(
            "c1",
            [svg.Row(EVIL, (1.0, 2.0))],
            [svg.Series("one", svg.GREEN_1), svg.Series(EVIL, svg.GREEN_2)],
            title=EVIL,
            description="desc",
            markers=[svg.Marker(1.5, EVIL)],
        )
    )
    assert "<script>" not in chart
    assert "&lt;script&gt;" in chart and "&amp; Co" in chart
    assert 'role="img"' in chart and 'aria-labelledby="c1-title c1-desc"' in chart
    assert '<title id="c1-title">' in chart
    assert chart.count('class="mark"') == 2
    assert "style=" not in chart  # the CSP forbids inline styles


def test_zero_values_draw_no_mark():
    chart = str(svg.hbars("c2", [svg.Row("a", (0.0,))], [svg.Series("s", "#000")],
                          title="t", description="d"))  # fmt: skip
    assert 'class="mark"' not in chart


def test_line_chart_leaves_a_gap_for_a_missing_year():
    chart = str(
        svg_plots.line_chart(
            "c3",
            [("2023", 104.0), ("2024", None), ("2025", 100.0)],
            title="t",
            description="d",
            series=svg.Series("mean", svg.BLUE),
        )
    )
    assert chart.count("<circle") == 2
    path = chart.split(' d="')[1].split('"')[0]
    assert path.count("M") == 2 and "L" not in path  # two separate points, no joining line


def test_box_rows_mark_the_percentiles_and_reference():
    row = svg_plots.BoxRow("Cement", "kgCO2e/t", 5, 550, 590, 650, 720, 800, 735)
    chart = str(svg_plots.box_rows("c4", [row], title="t", description="d",
                             legend=("P20–P80", "median", "reference")))  # fmt: skip
    assert "20th percentile 590" in chart and "80th percentile 720" in chart
    assert chart.count('class="marker"') == 1


def test_labels_are_cut_to_fit():
    assert svg.fit("short", 100) == "short"
    cut = svg.fit("Qiannan Buyei and Miao Autonomous Prefecture", 100)
    assert cut.endswith("…") and svg.text_width(cut) <= 100


def test_nice_ticks_cover_the_highest_value():
    assert svg.nice_ticks(7) == [0.0, 2.0, 4.0, 6.0, 8.0]
    assert svg.nice_ticks(0) == [0.0, 1.0]
