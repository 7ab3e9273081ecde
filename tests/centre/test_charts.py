"""The server-drawn charts: well-formed SVG named for screen readers, no inline styles,
bars in proportion, labels escaped, and colour never the only difference."""

import xml.etree.ElementTree as ET

import pytest

from centre.charts import HEIGHT, Chart, Series, nice_ceiling

SVG = "{http://www.w3.org/2000/svg}"


def xml(markup):
    return ET.fromstring(str(markup))  # noqa: S314 - our own markup, not untrusted input


def parse(chart):
    return xml(chart.svg)


def bars(root):
    """``(class, height, title)`` of each bar, in drawing order."""
    found = []
    for group in root.iter(f"{SVG}g"):
        rect = group.find(f"{SVG}rect")
        title = group.find(f"{SVG}title")
        if rect is not None and title is not None:
            found.append((rect.get("class"), float(rect.get("height")), title.text))
    return found


def stacked():
    return Chart(
        key="chart-test",
        title="Attendance by month",
        categories=("October 2026", "November 2026"),
        axis_labels=("Oct 2026", "Nov 2026"),
        stacked=True,
        series=(Series("Attended", (4, 1)), Series("Absent", (2, 0))),
    )


@pytest.mark.parametrize(
    ("value", "top"), [(0, 1), (1, 1), (2, 2), (3, 5), (7, 10), (10, 10), (11, 20), (420, 500)]
)
def test_the_scale_tops_out_at_a_round_number(value, top):
    assert nice_ceiling(value) == top


def test_a_chart_is_an_image_named_by_its_title_and_described(db):
    root = parse(stacked())

    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "chart-test-title chart-test-desc"
    assert root.find(f"{SVG}title").get("id") == "chart-test-title"
    assert root.find(f"{SVG}title").text == "Attendance by month"
    description = root.find(f"{SVG}desc").text
    assert "October 2026: 6" in description and "November 2026: 1" in description


def test_nothing_is_styled_inline(db):
    markup = str(stacked().svg)

    assert "style=" not in markup
    assert "<script" not in markup
    assert not any(
        name.startswith("on") for element in parse(stacked()).iter() for name in element.attrib
    )


def test_stacked_bars_are_in_proportion_and_each_says_what_it_counts(db):
    found = bars(parse(stacked()))

    assert [title for _, _, title in found] == [
        "October 2026, Attended: 4",
        "October 2026, Absent: 2",
        "November 2026, Attended: 1",
    ]
    heights = [height for _, height, _ in found]
    assert heights[0] == pytest.approx(2 * heights[1])
    assert heights[0] == pytest.approx(4 * heights[2])
    # The scale runs to 10 (above the tallest pile, 6): 4 is 40% of the plot's height.
    assert heights[0] == pytest.approx(0.4 * (HEIGHT - 12 - 44))


def test_each_series_has_its_own_class_and_every_second_one_is_hatched(db):
    root = parse(stacked())

    classes = [css for css, _, _ in bars(root)]
    assert classes == ["chart-series-0", "chart-series-1", "chart-series-0"]
    hatched = [r for r in root.iter(f"{SVG}rect") if r.get("fill") == "url(#chart-test-hatch)"]
    assert len(hatched) == 1
    assert root.find(f"{SVG}defs/{SVG}pattern").get("id") == "chart-test-hatch"


def test_the_legend_draws_each_series_as_its_bars_are(db):
    legend = stacked().legend

    assert [label for _, label in legend] == ["Attended", "Absent"]
    first, second = (xml(swatch) for swatch, _ in legend)
    assert first.get("aria-hidden") == "true"
    assert first.find(f"{SVG}rect").get("class") == "chart-series-0"
    assert second.find(f"{SVG}rect").get("class") == "chart-series-1"
    assert second.find(f"{SVG}rect[@fill]") is not None


def test_grouped_bars_stand_side_by_side_with_their_values(db):
    chart = Chart(
        key="chart-places",
        title="Places",
        categories=("Oct", "Nov"),
        series=(Series("Available", (8, 14)), Series("Booked", (7, 0))),
    )
    root = parse(chart)

    found = bars(root)
    assert [title for _, _, title in found] == [
        "Oct, Available: 8",
        "Oct, Booked: 7",
        "Nov, Available: 14",
    ]
    values = [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "chart-value"]
    assert values == ["8", "7", "14"]  # no label floats over an empty bar
    assert chart.rows == [("Oct", [8, 7], 15), ("Nov", [14, 0], 14)]


def test_labels_are_escaped_and_long_ones_wrap(db):
    chart = Chart(
        key="chart-x",
        title="Sources <b>&</b>",
        categories=("Family solicitor", "<script>"),
        series=(Series("Referrals", (1, 2)),),
    )
    markup = str(chart.svg)

    assert "<b>" not in markup and "&lt;b&gt;" in markup
    assert "<script>" not in markup
    lines = [t.text for t in parse(chart).iter(f"{SVG}tspan")]
    assert lines[:2] == ["Family", "solicitor"]


def test_an_empty_chart_draws_no_bars_and_says_so(db):
    chart = Chart(
        key="chart-empty",
        title="Nothing yet",
        categories=("A", "B"),
        series=(Series("Referrals", (0, 0)),),
    )
    root = parse(chart)

    assert bars(root) == []
    assert chart.is_empty
    assert "Nothing to show yet" in root.find(f"{SVG}desc").text


def test_a_series_must_have_one_value_per_category():
    with pytest.raises(ValueError, match="one value per category"):
        Chart(key="k", title="t", categories=("a", "b"), series=(Series("s", (1,)),))
