"""Altair chart specifications built from a `Summary`, for the app, and the same specifications as PNG for Word.

Four kinds (`KINDS`): diverging stacked bars per dimension (unfavourable left, neutral centred, favourable right),
eNPS with promoters, passives and detractors, the favourable share per dimension across waves, and the response
per wave. Labels come from templates/<lang>/results.yaml (`charts:`); colours are Okabe-Ito, safe for the common
forms of colour blindness. Every chart has an alt text that states its figures (`alt_text`).

A `Summary` holds no figure for a group below the minimum size, so no chart can show one.
"""

from __future__ import annotations

import altair as alt

from toolkit.i18n import normalise_lang
from toolkit.results.model import WAVES, Summary, WaveSummary
from toolkit.templates import load_template

KINDS: tuple[str, ...] = ("response", "dimensions", "enps", "trend")
# Okabe & Ito (2008), "Color Universal Design": distinguishable with protanopia, deuteranopia and tritanopia.
OKABE_ITO: tuple[str, ...] = ("#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7",
                              "#000000")
UNFAVOURABLE, NEUTRAL, FAVOURABLE = "#D55E00", "#BBBBBB", "#0072B2"  # vermilion, grey, blue
WIDTH = 520
# Figures on the bars: dark on the grey middle segment, white on the coloured ones (contrast, WCAG AA for bold).
_FIGURE_COLOUR = alt.condition("datum.position == 1", alt.value("#222222"), alt.value("white"))
FONT = "Liberation Sans, Arial, Helvetica, sans-serif"


def labels(lang: str) -> dict:
    """The `charts:` block of templates/<lang>/results.yaml."""
    return load_template(normalise_lang(lang), "results")["charts"]


def wave_label(wave: str, lang: str) -> str:
    return str(labels(lang)["waves"].get(wave, wave))


def percent(value: float, lang: str) -> str:
    """A share as "62%" (en, nl) or "62 %" (sv)."""
    return labels(lang)["percent"].format(value=round(value))


def signed(value: float) -> str:
    number = round(value)
    return f"+{number}" if number > 0 else str(number)


def latest_wave(summary: Summary, wave: str | None = None) -> WaveSummary | None:
    """The wave asked for, or the last wave that has dimension scores (None when there is none)."""
    waves = [w for w in summary.waves if wave is None or w.wave == wave]
    with_scores = [w for w in waves if w.dimensions]
    return (with_scores or waves or [None])[-1]


def charts_for(summary: Summary, lang: str) -> list[tuple[str, alt.Chart]]:
    """The charts that have something to show, in report order, as (kind, chart)."""
    builders = {"response": response_chart, "dimensions": dimension_chart, "enps": enps_chart,
                "trend": trend_chart}
    out = []
    for kind in KINDS:
        chart = builders[kind](summary, lang)
        if chart is not None:
            out.append((kind, chart))
    return out


# --------------------------------------------------------------------------------------------------- charts


def dimension_chart(summary: Summary, lang: str, wave: str | None = None) -> alt.Chart | None:
    """Diverging stacked bars: per dimension, unfavourable left of zero, neutral across it, favourable right."""
    current = latest_wave(summary, wave)
    if current is None or not current.dimensions:
        return None
    text = labels(lang)
    rows = []
    for order, score in enumerate(current.dimensions):
        half = score.neutral / 2
        segments = ((text["unfavourable"], -half - score.unfavourable, -half, score.unfavourable, 0),
                    (text["neutral"], -half, half, score.neutral, 1),
                    (text["favourable"], half, half + score.favourable, score.favourable, 2))
        for answer, start, end, value, position in segments:
            rows.append({"dimension": score.label or score.key, "answer": answer, "start": start, "end": end,
                         "value": round(value), "order": order, "position": position,
                         "mid": (start + end) / 2, "show": value >= 8})
    domain = [text["unfavourable"], text["neutral"], text["favourable"]]
    base = alt.Chart(alt.Data(values=rows))
    y = alt.Y("dimension:N", sort=alt.EncodingSortField("order"), title=None)
    bars = base.mark_bar().encode(
        y=y,
        x=alt.X("start:Q", scale=alt.Scale(domain=[-100, 100]), title=text["share"],
                axis=alt.Axis(labelExpr="abs(datum.value)", values=list(range(-100, 101, 25)))),
        x2="end:Q",
        color=alt.Color("answer:N", scale=alt.Scale(domain=domain, range=[UNFAVOURABLE, NEUTRAL, FAVOURABLE]),
                        legend=alt.Legend(title=None, orient="bottom")),
        order=alt.Order("position:Q"),
        tooltip=[alt.Tooltip("dimension:N", title=text["dimension"]), alt.Tooltip("answer:N", title=text["answer"]),
                 alt.Tooltip("value:Q", title="%")],
    )
    figures = base.transform_filter("datum.show").mark_text(fontSize=11, fontWeight="bold").encode(
        y=y, x="mid:Q", text="value:Q", color=_FIGURE_COLOUR)
    rule = alt.Chart(alt.Data(values=[{"x": 0}])).mark_rule(color="#333333").encode(x="x:Q")
    title = text["titles"]["dimensions"].format(wave=wave_label(current.wave, lang))
    return _finish(alt.layer(rule, bars, figures), title, height=28 * len(current.dimensions) + 20)


def enps_chart(summary: Summary, lang: str) -> alt.Chart | None:
    """Per wave: the shares of detractors, passives and promoters, with the eNPS in the wave's label."""
    waves = [w for w in summary.waves if w.enps is not None and w.enps.n]
    if not waves:
        return None
    text = labels(lang)
    rows = []
    for order, current in enumerate(waves):
        enps = current.enps
        name = f"{wave_label(current.wave, lang)} (eNPS {signed(enps.value)})"
        start = 0.0
        for answer, count, position in ((text["detractors"], enps.detractors, 0),
                                        (text["passives"], enps.passives, 1),
                                        (text["promoters"], enps.promoters, 2)):
            share = 100 * count / enps.n
            rows.append({"wave": name, "answer": answer, "start": start, "end": start + share,
                         "value": round(share), "order": order, "position": position,
                         "mid": start + share / 2, "show": share >= 8})
            start += share
    domain = [text["detractors"], text["passives"], text["promoters"]]
    base = alt.Chart(alt.Data(values=rows))
    y = alt.Y("wave:N", sort=alt.EncodingSortField("order"), title=None)
    bars = base.mark_bar().encode(
        y=y, x=alt.X("start:Q", scale=alt.Scale(domain=[0, 100]), title=text["enps_axis"]), x2="end:Q",
        color=alt.Color("answer:N", scale=alt.Scale(domain=domain, range=[UNFAVOURABLE, NEUTRAL, FAVOURABLE]),
                        legend=alt.Legend(title=None, orient="bottom")),
        order=alt.Order("position:Q"),
        tooltip=[alt.Tooltip("answer:N", title=text["answer"]), alt.Tooltip("value:Q", title="%")],
    )
    figures = base.transform_filter("datum.show").mark_text(fontSize=11, fontWeight="bold").encode(
        y=y, x="mid:Q", text="value:Q", color=_FIGURE_COLOUR)
    return _finish(alt.layer(bars, figures), text["titles"]["enps"], height=34 * len(waves) + 10)


def trend_chart(summary: Summary, lang: str) -> alt.Chart | None:
    """The favourable share per dimension across waves (only with two or more waves that have scores)."""
    waves = [w for w in summary.waves if w.dimensions]
    if len(waves) < 2:
        return None
    text = labels(lang)
    order = [wave_label(w, lang) for w in WAVES if any(x.wave == w for x in waves)]
    rows = [{"wave": wave_label(w.wave, lang), "dimension": s.label or s.key, "value": round(s.favourable, 1)}
            for w in waves for s in w.dimensions]
    dimensions = list(dict.fromkeys(r["dimension"] for r in rows))
    chart = alt.Chart(alt.Data(values=rows)).mark_line(point=alt.OverlayMarkDef(size=60), strokeWidth=2.5).encode(
        x=alt.X("wave:N", sort=order, title=None, axis=alt.Axis(labelAngle=0)),
        y=alt.Y("value:Q", scale=alt.Scale(domain=[0, 100]), title=text["favourable_axis"]),
        color=alt.Color("dimension:N", sort=dimensions,
                        scale=alt.Scale(domain=dimensions, range=list(OKABE_ITO[:len(dimensions)])),
                        legend=alt.Legend(title=None, orient="right")),
        tooltip=[alt.Tooltip("dimension:N", title=text["dimension"]), alt.Tooltip("wave:N", title=text["wave"]),
                 alt.Tooltip("value:Q", title="%")],
    )
    return _finish(chart, text["titles"]["trend"], height=240, width=WIDTH - 180)


def response_chart(summary: Summary, lang: str) -> alt.Chart | None:
    """Per wave the response rate (%), or the number of responses when the team size is unknown."""
    if not summary.waves:
        return None
    text = labels(lang)
    with_rate = all(w.response_rate is not None for w in summary.waves)
    rows = []
    for w in summary.waves:
        value = round(w.response_rate, 1) if with_rate else w.responses
        shown = percent(w.response_rate, lang) if with_rate else str(w.responses)
        rows.append({"wave": wave_label(w.wave, lang), "value": value, "shown": shown})
    order = [r["wave"] for r in rows]
    scale = alt.Scale(domain=[0, 100]) if with_rate else alt.Scale(zero=True)
    title = text["response_axis"] if with_rate else text["responses_axis"]
    base = alt.Chart(alt.Data(values=rows))
    bars = base.mark_bar(color=FAVOURABLE, size=56).encode(
        x=alt.X("wave:N", sort=order, title=None, axis=alt.Axis(labelAngle=0)),
        y=alt.Y("value:Q", scale=scale, title=title),
        tooltip=[alt.Tooltip("wave:N", title=text["wave"]), alt.Tooltip("shown:N", title=title)],
    )
    figures = base.mark_text(dy=-8, fontSize=12).encode(x=alt.X("wave:N", sort=order), y="value:Q", text="shown:N")
    return _finish(alt.layer(bars, figures), text["titles"]["response"], height=180, width=min(WIDTH, 140 * len(rows)))


def _finish(chart, title: str, *, height: int, width: int = WIDTH):
    return (chart.properties(title=title, width=width, height=height)
            .configure(font=FONT)
            .configure_title(anchor="start", fontSize=14)
            .configure_view(stroke=None))


# --------------------------------------------------------------------------------------------------- output


def to_png(chart: alt.Chart | dict, *, scale: float = 2.0) -> bytes:
    """The chart (or its Vega-Lite dict) as PNG bytes, rendered offline by vl-convert (no browser, no network)."""
    import vl_convert

    spec = chart if isinstance(chart, dict) else chart.to_dict()
    return vl_convert.vegalite_to_png(spec, scale=scale)


def alt_text(chart_kind: str, summary: Summary, lang: str, wave: str | None = None) -> str:
    """A sentence that states every figure the chart shows, in `lang` (for screen readers and the .docx)."""
    text = labels(lang)
    alt_blocks = text["alt"]
    figures = {"dimensions": _dimension_figures, "enps": _enps_figures, "trend": _trend_figures,
               "response": _response_figures}[chart_kind](summary, lang, wave)
    if not figures:
        return alt_blocks["empty"]
    if chart_kind == "dimensions":
        current = latest_wave(summary, wave)
        return alt_blocks["dimensions"].format(wave=wave_label(current.wave, lang), figures="; ".join(figures))
    return alt_blocks[chart_kind].format(figures="; ".join(figures))


def _dimension_figures(summary: Summary, lang: str, wave: str | None) -> list[str]:
    current = latest_wave(summary, wave)
    if current is None:
        return []
    item = labels(lang)["alt"]["dimension_item"]
    return [item.format(label=s.label or s.key, favourable=percent(s.favourable, lang),
                        neutral=percent(s.neutral, lang), unfavourable=percent(s.unfavourable, lang))
            for s in current.dimensions]


def _enps_figures(summary: Summary, lang: str, wave: str | None) -> list[str]:
    item = labels(lang)["alt"]["enps_item"]
    return [item.format(wave=wave_label(w.wave, lang), value=signed(w.enps.value), promoters=w.enps.promoters,
                        passives=w.enps.passives, detractors=w.enps.detractors)
            for w in summary.waves if w.enps is not None and w.enps.n]


def _trend_figures(summary: Summary, lang: str, wave: str | None) -> list[str]:
    waves = [w for w in summary.waves if w.dimensions]
    if len(waves) < 2:
        return []
    item = labels(lang)["alt"]["trend_item"]
    series: dict[str, list[str]] = {}
    for w in waves:
        for s in w.dimensions:
            series.setdefault(s.label or s.key, []).append(f"{wave_label(w.wave, lang)} {percent(s.favourable, lang)}")
    return [item.format(label=label, values=", ".join(values)) for label, values in series.items()]


def _response_figures(summary: Summary, lang: str, wave: str | None) -> list[str]:
    blocks = labels(lang)["alt"]
    out = []
    for w in summary.waves:
        if w.response_rate is not None:
            out.append(blocks["response_rate_item"].format(wave=wave_label(w.wave, lang),
                                                           rate=percent(w.response_rate, lang), responses=w.responses))
        else:
            out.append(blocks["response_item"].format(wave=wave_label(w.wave, lang), responses=w.responses))
    return out
