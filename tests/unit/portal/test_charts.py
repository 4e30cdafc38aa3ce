"""The report's charts (services/portal/charts.py): one bar a period, every number said in the
chart's words, "< 5" hatched and never drawn as an exact count."""
import re
from xml.etree import ElementTree

from services.portal.charts import PLOT_HEIGHT, bar_chart, description, groups, has_suppressed

SVG = "{http://www.w3.org/2000/svg}"


def row(period, referrals_in, programme="home-start", municipality="GM0344"):
    return {"programme": programme, "municipality": municipality,
            "municipality_name": "Utrecht", "period": period, "referrals_in": referrals_in}


def drawn(rows, title="Aanmeldingen per maand"):
    return ElementTree.fromstring(str(bar_chart(rows, "referrals_in", title, "c1")))


def bars(svg):
    return svg.findall(f"{SVG}rect")


def test_a_bar_a_period_the_tallest_fills_the_plot_and_the_rest_in_proportion():
    svg = drawn([row("2026-01", 10), row("2026-02", 5), row("2026-03", 0)])
    heights = [float(bar.get("height")) for bar in bars(svg)]
    assert heights == [PLOT_HEIGHT, PLOT_HEIGHT / 2]  # 0 has no bar, only its label
    labels = [text.text for text in svg.findall(f"{SVG}text")]
    assert labels == ["10", "2026-01", "5", "2026-02", "0", "2026-03"]


def test_the_chart_is_an_image_whose_title_and_description_say_every_number():
    svg = drawn([row("2026-01", 7), row("2026-02", "< 5"), row("2026-03", None)])
    assert svg.get("role") == "img"
    assert svg.get("aria-labelledby") == "c1-title c1-desc"
    assert svg.find(f"{SVG}title").text == "Aanmeldingen per maand"
    assert svg.find(f"{SVG}desc").text == \
        "Aanmeldingen per maand. 2026-01: 7; 2026-02: < 5; 2026-03: -."


def test_a_withheld_count_is_a_hatched_bar_as_high_as_four_and_labelled_as_the_api_says():
    rows = [row("2026-01", 8), row("2026-02", "< 5")]
    svg = drawn(rows)
    plain, hatched = bars(svg)
    assert hatched.get("fill") == "url(#c1-hatch)" and plain.get("fill") != hatched.get("fill")
    assert float(hatched.get("height")) == PLOT_HEIGHT / 2  # 4 of 8
    assert "< 5" in [text.text for text in svg.findall(f"{SVG}text")]
    assert has_suppressed(rows, "referrals_in") and not has_suppressed(rows[:1], "referrals_in")


def test_only_withheld_counts_still_draw_their_bars_and_nothing_at_all_draws_none():
    assert [float(bar.get("height")) for bar in bars(drawn([row("2026", "< 5")]))] == \
        [PLOT_HEIGHT]
    assert bars(drawn([row("2026", 0), row("2027", None)])) == []


def test_words_from_the_data_are_escaped():
    svg = str(bar_chart([row("<b>", 1)], "referrals_in", "A & B <x>", "c1"))
    assert "<b>" not in svg and "&lt;b&gt;" in svg and "A &amp; B &lt;x&gt;" in svg
    assert not re.search(r"<script", svg)


def test_the_rows_are_grouped_by_programme_and_municipality_in_the_apis_order():
    rows = [row("2026-01", 1), row("2026-02", 2), row("2026-01", 3, programme="vto")]
    assert [(key, [r["period"] for r in found]) for key, found in groups(rows)] == [
        (("home-start", "Utrecht"), ["2026-01", "2026-02"]), (("vto", "Utrecht"), ["2026-01"])]


def test_an_empty_description_has_the_title_alone():
    assert description("T", [], "referrals_in") == "T."
