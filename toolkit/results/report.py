"""`Summary` -> a results report (.docx) for managers: charts, a table per dimension, changes, barrier, themes.

The report starts from the project's reference document (templates/reference.docx, or a user's branded file
checked by `toolkit.export.load_reference`), so it looks like the other exports. Every picture carries alt text
(`charts.alt_text`). A `Summary` never holds a hidden group's figures; the report shows only groups marked
`shown` and says what was left out only in the words of `summary.notes`.
"""

from __future__ import annotations

import io

from babel.numbers import format_decimal
from docx import Document
from docx.document import Document as DocxDocument
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Emu, Pt

from toolkit.cards import get_card
from toolkit.export import REFERENCE_PATH, load_reference
from toolkit.export.wordxml import fill_header_placeholders, set_language
from toolkit.i18n import LOCALES, WORD_LANG, normalise_lang
from toolkit.results import charts
from toolkit.results.charts import percent, signed, wave_label
from toolkit.results.model import Score, Summary, WaveSummary
from toolkit.results.summary import detectable_note, shared_items_note
from toolkit.templates import load_template
from toolkit.text import clean_text

_FALLBACK_STYLES = {"Title": "Heading 1", "Subtitle": "Normal", "Quote": "Normal", "List Bullet": "Normal",
                    "Toolkit Table": "Table Grid", "Table Text": "Normal", "Table Heading": "Normal"}


def to_docx(summary: Summary, lang: str, *, brief=None, reference: bytes | None = None) -> bytes:
    """The results report as .docx bytes, in `lang` (headings, sentences, chart labels and alt texts).

    `brief` (a `toolkit.brief.Brief`) adds the organisation and the tool to the title. `reference` is a branded
    .docx whose styles, header and footer are used; when it is unusable the default reference is used.
    """
    lang = normalise_lang(lang)
    doc = _open(reference, lang)
    report = _Report(doc, summary, lang, brief)
    report.write()
    fill_header_placeholders(doc, report.title_text)
    doc.core_properties.language = WORD_LANG[lang]
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def _open(reference: bytes | None, lang: str) -> DocxDocument:
    """The reference document with its body emptied (page set-up, header and footer stay)."""
    data = load_reference(reference, lang)[0] if reference else None
    doc = Document(io.BytesIO(data)) if data else Document(str(REFERENCE_PATH))
    body = doc.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    set_language(doc, WORD_LANG[lang])
    return doc




class _Report:
    """Writes one summary into an emptied reference document, section by section."""

    def __init__(self, doc: DocxDocument, summary: Summary, lang: str, brief) -> None:
        self.doc = doc
        self.summary = summary
        self.lang = lang
        self.brief = brief
        self.text = load_template(lang, "results")["report"]
        self.charts = dict(charts.charts_for(summary, lang))
        self.latest = charts.latest_wave(summary)
        section = doc.sections[0]
        self.width = Emu(section.page_width - section.left_margin - section.right_margin)
        self.labels = {s.key: s.label or s.key for w in summary.waves for s in w.dimensions}
        self.labels.setdefault("enps", "eNPS")
        self.title_text = self.text["title"]

    def write(self) -> None:
        self.title()
        for part in (self.glance, self.response, self.dimensions, self.enps, self.trend, self.changes,
                     self.barrier, self.themes, self.tables, self.method):
            part()

    # -- building blocks

    def style(self, name: str) -> str:
        names = {s.name for s in self.doc.styles}
        while name not in names and name in _FALLBACK_STYLES:
            name = _FALLBACK_STYLES[name]
        return name if name in names else "Normal"

    def paragraph(self, text: str, style: str = "Normal", *, italic: bool = False, keep: bool = False):
        paragraph = self.doc.add_paragraph(style=self.style(style))
        if keep:  # stay on the page of the chart that follows
            paragraph.paragraph_format.keep_with_next = True
        run = paragraph.add_run(clean_text(text))
        if italic:
            run.italic = True
        return paragraph

    def heading(self, text: str, level: int = 1) -> None:
        self.paragraph(text, f"Heading {level}")

    def picture(self, kind: str) -> None:
        chart = self.charts.get(kind)
        if chart is None:
            return
        paragraph = self.doc.add_paragraph(style=self.style("Normal"))
        spec = chart.to_dict()
        # The section heading says what the chart shows; only the dimension chart keeps its title (the wave).
        title = spec.get("title", "") if kind == "dimensions" else spec.pop("title", "")
        shape = paragraph.add_run().add_picture(io.BytesIO(charts.to_png(spec)), width=self.width)
        doc_pr = shape._inline.docPr  # Word reads a picture's alt text from docPr/@descr
        doc_pr.set("descr", clean_text(charts.alt_text(kind, self.summary, self.lang)))
        doc_pr.set("title", clean_text(title.get("text", "") if isinstance(title, dict) else str(title)))

    def table(self, header: list[str], rows: list[list[str]]) -> None:
        table = self.doc.add_table(rows=1, cols=len(header))
        table.style = self.doc.styles[self.style("Toolkit Table")]
        for cell, value in zip(table.rows[0].cells, header, strict=True):
            self._cell(cell, value, bold=True)
        _repeat_header(table.rows[0])
        for row in rows:
            for cell, value in zip(table.add_row().cells, row, strict=True):
                self._cell(cell, value)
        self.doc.add_paragraph(style=self.style("Normal"))  # room after the table

    def _cell(self, cell, value: str, bold: bool = False) -> None:
        paragraph = cell.paragraphs[0]
        paragraph.style = self.doc.styles[self.style("Table Heading" if bold else "Table Text")]
        run = paragraph.add_run(clean_text(value))
        run.bold = bold or None
        run.font.size = Pt(9)

    def pct(self, value: float | None) -> str:
        return "" if value is None else percent(value, self.lang)

    def wave(self, name: str) -> str:
        return wave_label(name, self.lang)

    # -- sections

    def title(self) -> None:
        org = getattr(self.brief, "organisation", "")
        tool = getattr(self.brief, "ai_tool", "")
        title = self.text["title_org"].format(org=org) if org else self.text["title"]
        self.title_text = title
        self.paragraph(title, "Title")
        waves = ", ".join(self.wave(w.wave) for w in self.summary.waves)
        subtitle = self.text["subtitle"].format(tool=tool, waves=waves) if tool else \
            self.text["subtitle_plain"].format(waves=waves)
        self.paragraph(subtitle, "Subtitle")
        self.doc.core_properties.title = title[:255]
        self.doc.core_properties.subject = subtitle[:255]

    def glance(self) -> None:
        text = self.text["glance"]
        self.heading(text["heading"])
        for w in self.summary.waves:
            self.paragraph(self._response_sentence(w), "List Bullet")
        latest = self.latest
        if latest is None or not latest.dimensions:
            return
        if latest.enps is not None and latest.enps.n:
            self.paragraph(text["enps"].format(wave=self.wave(latest.wave), value=signed(latest.enps.value),
                                               low=signed(latest.enps.low), high=signed(latest.enps.high)),
                           "List Bullet")
        best = max(latest.dimensions, key=lambda s: s.favourable)
        worst = min(latest.dimensions, key=lambda s: s.favourable)
        self.paragraph(text["strongest"].format(label=best.label or best.key, favourable=self.pct(best.favourable)),
                       "List Bullet")
        self.paragraph(text["weakest"].format(label=worst.label or worst.key, favourable=self.pct(worst.favourable)),
                       "List Bullet")

    def _response_sentence(self, w: WaveSummary) -> str:
        text = self.text["glance"]
        if not w.dimensions and w.enps is None:
            return text["too_few"].format(wave=self.wave(w.wave), n=w.responses)
        if w.response_rate is not None:
            return text["responses_rate"].format(wave=self.wave(w.wave), n=w.responses, rate=self.pct(w.response_rate))
        return text["responses"].format(wave=self.wave(w.wave), n=w.responses)

    def response(self) -> None:
        self.heading(self.text["response"]["heading"])
        self.picture("response")

    def dimensions(self) -> None:
        if "dimensions" not in self.charts:
            return
        text = self.text["dimensions"]
        self.heading(text["heading"])
        self.paragraph(text["intro"], keep=True)
        self.picture("dimensions")

    def tables(self) -> None:
        """A table per dimension: every wave for the whole team and for each group that may be shown."""
        text = self.text["dimensions"]
        keys = [key for key in self.labels if self._dimension_rows(key)]
        if not keys:
            return
        self.heading(text["tables_heading"])
        for key in keys:
            self.heading(text["table_heading"].format(label=self.labels[key]), 2)
            self.table(list(text["columns"]), self._dimension_rows(key))

    def _dimension_rows(self, key: str) -> list[list[str]]:
        rows = []
        for w in self.summary.waves:
            whole = next((s for s in w.dimensions if s.key == key), None)
            if whole is None:
                continue
            rows.append(self._score_row(self.wave(w.wave), self.text["dimensions"]["whole_team"], whole))
            for group in w.groups:
                if not group.shown:  # a hidden group has no figures; not even its name goes in a table
                    continue
                score = next((s for s in group.dimensions if s.key == key), None)
                if score is not None:
                    rows.append(self._score_row("", group.name, score))
        return rows

    def _score_row(self, wave: str, group: str, score: Score) -> list[str]:
        interval = f"{self.pct(score.low)} – {self.pct(score.high)}"
        return [wave, group, str(score.n), self.pct(score.favourable), self.pct(score.neutral),
                self.pct(score.unfavourable), format_decimal(score.mean, format="0.0", locale=LOCALES[self.lang]), interval]

    def enps(self) -> None:
        if "enps" not in self.charts:
            return
        self.heading(self.text["enps"]["heading"])
        self.paragraph(self.text["enps"]["intro"], keep=True)
        self.picture("enps")

    def trend(self) -> None:
        if "trend" not in self.charts:
            return
        self.heading(self.text["trend"]["heading"])
        self.picture("trend")

    def changes(self) -> None:
        text = self.text["changes"]
        self.heading(text["heading"])
        if not self.summary.changes:
            self.paragraph(text["none"])
            return
        self.paragraph(" ".join([text["intro"], self._detectable()]).strip())
        rows = [[self.labels.get(c.dimension, c.dimension), self._value(c.from_, c.from_value, c.dimension),
                 self._value(c.to, c.to_value, c.dimension), signed(c.delta),
                 text["verdicts"].get(c.verdict, c.verdict)] for c in self.summary.changes]
        self.table(list(text["columns"]), rows)
        for method in dict.fromkeys(c.method for c in self.summary.changes):
            self.paragraph(text["method"].format(method=method), italic=True)
        if self.summary.flagged_items:
            items: dict[str, str] = {}
            for w in self.summary.waves:  # as the first wave worded them, like the notes
                for s in w.items:
                    items.setdefault(s.key, s.label or s.key)
            self.paragraph(text["flagged"])  # a list: the statements are sentences, with their own full stops
            for key in self.summary.flagged_items:
                self.paragraph(items.get(key, key), "List Bullet")

    def _value(self, wave: str, value: float | None, key: str) -> str:
        """A wave and the figure compared in it: "Before (42%)", or the wave alone when the figure is unknown."""
        if value is None:
            return self.wave(wave)
        shown = signed(value) if key == "enps" else self.pct(value)
        return self.text["changes"]["value"].format(wave=self.wave(wave), value=shown)

    def _detectable(self) -> str:
        return " ".join(n for n in (detectable_note(self.summary, self.lang),
                                    shared_items_note(self.summary, self.lang)) if n)

    def barrier(self) -> None:
        text = self.text["barrier"]
        waves = [w for w in self.summary.waves if w.barrier is not None]
        if not waves:
            return
        self.heading(text["heading"])
        for w in waves:
            barrier = w.barrier
            target = self.pct(barrier.target)
            if barrier.element:
                element = text["elements"].get(barrier.element, barrier.element)
                label = self.labels.get(barrier.dimension or "", barrier.dimension or "")
                self.paragraph(text["found"].format(wave=self.wave(w.wave), target=target, element=element,
                                                    label=label, favourable=self.pct(barrier.favourable)))
            else:
                self.paragraph(text["clear"].format(wave=self.wave(w.wave), target=target))
        titles = self._card_titles(waves[-1].barrier.cards.values())
        if titles:
            self.paragraph(text["cards"].format(cards="; ".join(titles)), italic=True)

    def _card_titles(self, card_ids) -> list[str]:
        titles = []
        for card_id in dict.fromkeys(card_ids):
            card = get_card(card_id, self.lang)
            titles.append(card.title if card else card_id)
        return titles

    def themes(self) -> None:
        text = self.text["themes"]
        self.heading(text["heading"])
        current = next((w for w in reversed(self.summary.waves) if w.themes), None)
        if current is None:
            self.paragraph(text["none"])
            return
        self.paragraph(text["intro"])
        for theme in current.themes:
            self.heading(text["theme"].format(label=theme.label, count=theme.count), 2)
            for quote in theme.quotes:
                self.paragraph(text["quote"].format(quote=quote), "Quote")
            if theme.faq_question:
                self.paragraph(text["faq"].format(question=theme.faq_question), italic=True)

    def method(self) -> None:
        text = self.text["method"]
        self.heading(text["heading"])
        self.paragraph(text["scale"])
        self.paragraph(text["min_group"].format(n=self.summary.min_group, c=self.summary.min_comments))
        self.heading(text["notes_heading"], 2)
        if not self.summary.notes:
            self.paragraph(text["no_notes"])
        for note in self.summary.notes:
            self.paragraph(note, "List Bullet")


def _repeat_header(row) -> None:
    """Repeat the header row on every page a long table runs over."""
    tr_pr = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    tr_pr.append(header)
