"""Chart specifications from a hand-built Summary: localised labels, a colour-blind-safe palette, alt texts
that state the figures, and real PNG rendering offline."""

from __future__ import annotations

import struct

import pytest
from results_samples import three_waves, wave

from toolkit.results import charts
from toolkit.results.model import Summary


def layers(chart) -> list[dict]:
    spec = chart.to_dict()
    return spec.get("layer", [spec])


def bar_layer(chart) -> dict:
    return next(layer for layer in layers(chart) if layer["mark"] in ("bar", {"type": "bar"}) or
                (isinstance(layer["mark"], dict) and layer["mark"].get("type") == "bar"))


def rows(chart) -> list[dict]:
    """The bar layer's data (Altair hoists data that all layers share to the top)."""
    spec = chart.to_dict()
    return (bar_layer(chart).get("data") or spec["data"])["values"]


def test_dimension_bars_diverge_around_zero_with_neutral_centred():
    summary = three_waves("en")
    chart = charts.dimension_chart(summary, "en")
    data = rows(chart)
    purpose = {r["answer"]: r for r in data if r["dimension"] == "Understanding of the purpose"}
    score = summary.waves[-1].dimensions[0]
    assert purpose["Neutral"]["start"] == pytest.approx(-score.neutral / 2)
    assert purpose["Neutral"]["end"] == pytest.approx(score.neutral / 2)
    assert purpose["Unfavourable"]["end"] == pytest.approx(-score.neutral / 2)
    assert purpose["Unfavourable"]["start"] == pytest.approx(-score.neutral / 2 - score.unfavourable)
    assert purpose["Favourable"]["end"] == pytest.approx(score.neutral / 2 + score.favourable)
    assert len(data) == 3 * len(summary.waves[-1].dimensions)


@pytest.mark.parametrize(("lang", "words"), [
    ("nl", ["Negatief", "Neutraal", "Positief", "Achteraf"]),
    ("sv", ["Negativa", "Neutrala", "Positiva", "Efter"]),
    ("en", ["Unfavourable", "Neutral", "Favourable", "After"]),
])
def test_chart_labels_are_in_the_reports_language(lang, words):
    chart = charts.dimension_chart(three_waves(lang), lang)
    color = bar_layer(chart)["encoding"]["color"]
    assert color["scale"]["domain"] == words[:3]
    assert words[3] in chart.to_dict()["title"]
    trend = charts.trend_chart(three_waves(lang), lang).to_dict()
    assert charts.wave_label("before", lang) in trend["encoding"]["x"]["sort"]


def test_palette_is_okabe_ito_everywhere():
    summary = three_waves("en")
    for kind, chart in charts.charts_for(summary, "en"):
        for layer in layers(chart):
            encoding = layer.get("encoding", {})
            colours = encoding.get("color", {}).get("scale", {}).get("range", [])
            mark = layer["mark"] if isinstance(layer["mark"], dict) else {}
            if "color" in mark:
                colours = [*colours, mark["color"]]
            assert set(colours) <= set(charts.OKABE_ITO) | {"#BBBBBB", "#333333"}, kind
    assert charts.UNFAVOURABLE in charts.OKABE_ITO and charts.FAVOURABLE in charts.OKABE_ITO


def test_enps_chart_shows_promoters_passives_and_detractors_per_wave():
    summary = three_waves("en")
    data = rows(charts.enps_chart(summary, "en"))
    after = [r for r in data if r["wave"].startswith("After")]
    assert [r["answer"] for r in after] == ["Detractors (0-6)", "Passives (7-8)", "Promoters (9-10)"]
    assert sum(r["end"] - r["start"] for r in after) == pytest.approx(100)
    assert after[0]["wave"] == "After (eNPS +25)"


def test_trend_needs_two_waves_and_response_falls_back_to_counts_without_team_size():
    one = Summary(lang="en", waves=[wave("before", 0, "en")])
    assert charts.trend_chart(one, "en") is None
    assert [k for k, _ in charts.charts_for(one, "en")] == ["response", "dimensions", "enps"]
    one.waves[0].response_rate = None
    data = rows(charts.response_chart(one, "en"))
    assert data == [{"wave": "Before", "value": 40, "shown": "40"}]


def test_alt_text_states_the_figures():
    summary = three_waves("nl")
    text = charts.alt_text("dimensions", summary, "nl")
    assert "Achteraf" in text and "Begrip van het doel 74% positief, 12% neutraal, 14% negatief" in text
    assert "Achteraf eNPS +25 (18 promotors, 14 passieven, 8 criticasters)" in charts.alt_text("enps", summary, "nl")
    assert "Voorbereiding en training Vooraf 30%, Tijdens 46%, Achteraf 63%" in charts.alt_text("trend", summary, "nl")
    assert "Vooraf 80% (40 reacties)" in charts.alt_text("response", summary, "nl")
    assert "74 % positiva" in charts.alt_text("dimensions", three_waves("sv"), "sv")
    assert charts.alt_text("trend", Summary(lang="en"), "en") == "No figures to show."


def test_png_rendering_gives_real_png_bytes_offline():
    summary = three_waves("sv")
    for kind, chart in charts.charts_for(summary, "sv"):
        png = charts.to_png(chart)
        assert png[:8] == b"\x89PNG\r\n\x1a\n", kind
        width, height = struct.unpack(">II", png[16:24])  # the IHDR chunk
        assert width > 400 and height > 100, kind
