"""The layout per kind of draft: what the document holds after the title and before the sources.

A layout is a function that takes the `Writer` and writes the kind's body with it. `@layout("kind")` registers it
in `LAYOUTS`; a new kind of artefact (a follow-up, a results report) is one more registered function here or in
its own module imported below. A kind without a layout is written as a story: its sections.
"""

from __future__ import annotations

import io
import itertools
import re
from collections.abc import Callable, Iterator

from docx.shared import Pt, Twips

from toolkit.export.wordxml import (
    center,
    finish_rows,
    fit_widths,
    narrow_margins,
    scale_width,
    set_widths,
    shade,
    table_borders,
    valign,
)
from toolkit.export.writer import Writer, long_date
from toolkit.models import Chart, SurveyQuestion
from toolkit.text import clean_text, one_line

BOX = "\u2610"  # ☐, a box to tick

Layout = Callable[[Writer], None]
LAYOUTS: dict[str, Layout] = {}


def layout(kind: str) -> Callable[[Layout], Layout]:
    """Register the decorated function as the layout of `kind`."""
    def add(function: Layout) -> Layout:
        LAYOUTS[kind] = function
        return function
    return add


def layout_for(kind: str) -> Layout:
    """The layout of `kind`; the story's (sections only) for a kind without one."""
    return LAYOUTS.get(kind, LAYOUTS["story"])


# --- story and FAQ ---------------------------------------------------------------------------------------------

@layout("story")
def story(w: Writer) -> None:
    """The purpose story: its sections."""
    w.sections()


@layout("faq")
def faq(w: Writer) -> None:
    """Sections, then each question as a heading with its answer below."""
    w.sections()
    items = [item for item in w.draft.items if one_line(item.question) or one_line(item.answer)]
    if items:
        w.heading(w._("Questions and answers"), 1)
    for item in items:
        with w.part(item.key):
            w.heading(item.question, 2)
            w.block(item.answer)


# --- survey ----------------------------------------------------------------------------------------------------

@layout("survey")
def survey(w: Writer) -> None:
    """Intro, sections, then the questions: consecutive agree items that share a scale in one grid (the scale
    once, as the header row repeated on every page; a row per dimension, a row per statement with a box under
    each label), eNPS and open questions under their dimension's heading."""
    if clean_text(w.draft.survey_intro).strip():
        with w.part("intro"):
            w.block(w.draft.survey_intro)
    w.sections()
    if any(q.type == "likert" for q in w.draft.questions):
        instruction = w.paragraph(w._("Tick one box per statement."))
        instruction.runs[-1].italic = True
        instruction.paragraph_format.space_before = Pt(10)
    numbers = itertools.count(1)  # questions are numbered through the whole survey
    for block in _blocks(_by_dimension(w.draft.questions)):
        if block[0][1][0].type == "likert":
            likert_table(w, block, numbers)
            continue
        for label, questions in block:
            w.heading(label, 1)
            for question in questions:
                (nps if question.type == "nps" else open_question)(w, question, numbers)


def _numbered(numbers: Iterator[int], text: str) -> str:
    return f"{next(numbers)}. {one_line(text)}"


def likert_table(w: Writer, block: list[tuple[str, list[SurveyQuestion]]], numbers: Iterator[int]) -> None:
    """One grid for agree items that share a scale: the scale labels once (the header row, repeated on each
    page), then per dimension a label row and per statement a row with a box under each label."""
    labels = [one_line(option) for option in block[0][1][0].options] or ["1", "2", "3", "4", "5"]
    column = scale_width(labels, w.text_width)
    widths = [w.text_width - column * len(labels)] + [column] * len(labels)
    table = w.table([w._("Statement"), *labels], widths)
    for cell in table.rows[0].cells[1:]:
        center(cell, size=8)
        narrow_margins(cell)
    for label, questions in block:
        row = table.add_row()
        merged = row.cells[0].merge(row.cells[-1])
        w.cell_text(merged, label, style="Table Heading", bold=True)
        merged.paragraphs[0].paragraph_format.keep_with_next = True  # a dimension's label stays with its items
        shade(merged)
        for question in questions:
            cells = table.add_row().cells
            w.cell_text(cells[0], _numbered(numbers, question.text))
            w.parts.setdefault(question.key, []).append(cells[0].paragraphs[0])
            valign(cells[0])
            for cell in cells[1:]:
                w.cell_text(cell, BOX)
                center(cell, size=13)
    finish_rows(table)


def nps(w: Writer, question: SurveyQuestion, numbers: Iterator[int]) -> None:
    """The eNPS item: a row of boxes under 0 to 10, with the anchors below."""
    item = w.paragraph(_numbered(numbers, question.text))
    item.paragraph_format.keep_with_next = True
    w.parts.setdefault(question.key, []).append(item)
    points = [one_line(option) for option in question.options] or [str(n) for n in range(11)]
    width = w.text_width // len(points)
    table = w.table(points, [width] * len(points))
    cells = table.add_row().cells
    for cell in table.rows[0].cells:
        center(cell, size=10)
    for cell in cells:
        w.cell_text(cell, BOX)
        center(cell, size=13)
    finish_rows(table)
    anchors = w.paragraph(w._("0 = not at all likely, 10 = extremely likely"), "Table Text")
    anchors.paragraph_format.space_after = Pt(10)
    for run in anchors.runs:
        run.italic = True


def open_question(w: Writer, question: SurveyQuestion, numbers: Iterator[int]) -> None:
    """An open question with a bordered box to write in."""
    item = w.paragraph(_numbered(numbers, question.text))
    item.paragraph_format.keep_with_next = True
    w.parts.setdefault(question.key, []).append(item)
    table = w.doc.add_table(rows=1, cols=1)
    table_borders(table)
    set_widths(table, [w.text_width])
    row = table.rows[0]
    row.height = Pt(100)
    row.height_rule = 1  # WD_ROW_HEIGHT_RULE.AT_LEAST
    w.cell_text(row.cells[0], "")
    w.paragraph("", "Table Text")


def _by_dimension(questions: list[SurveyQuestion]) -> list[tuple[str, list[SurveyQuestion]]]:
    """Questions grouped by dimension, in order of first appearance, with the dimension's label."""
    groups: dict[str, list[SurveyQuestion]] = {}
    for question in questions:
        groups.setdefault(question.dimension, []).append(question)
    result = []
    for key, members in groups.items():
        label = next((one_line(q.dimension_label) for q in members if one_line(q.dimension_label)), "")
        result.append((label or one_line(key).replace("_", " ").capitalize(), members))
    return result


def _blocks(groups: list[tuple[str, list[SurveyQuestion]]]) -> list[list[tuple[str, list[SurveyQuestion]]]]:
    """Consecutive dimensions whose items are all agree items on one scale form one grid; a dimension that
    mixes scales or types is split into runs of one type and scale, each its own block."""
    blocks: list[list[tuple[str, list[SurveyQuestion]]]] = []
    for label, questions in groups:
        for run in _runs_of_same_scale(questions):
            last = blocks[-1][-1][1][0] if blocks else None
            if (last is not None and last.type == "likert" == run[0].type and last.options == run[0].options):
                if blocks[-1][-1][0] == label:
                    blocks[-1][-1] = (label, [*blocks[-1][-1][1], *run])
                else:
                    blocks[-1].append((label, run))
            else:
                blocks.append([(label, run)])
    return blocks


def _runs_of_same_scale(questions: list[SurveyQuestion]) -> list[list[SurveyQuestion]]:
    """Consecutive questions that share a type and (for likert) a scale."""
    runs: list[list[SurveyQuestion]] = []
    for question in questions:
        if runs and runs[-1][0].type == question.type and runs[-1][0].options == question.options:
            runs[-1].append(question)
        else:
            runs.append([question])
    return runs


# --- plan ------------------------------------------------------------------------------------------------------

@layout("plan")
def plan(w: Writer) -> None:
    """Sections, then the timeline table and the workshop agenda."""
    w.sections()
    if w.draft.timeline:
        w.heading(w._("Timeline"), 1)
        timeline_table(w)
    if w.draft.workshop:
        w.heading(w._("Workshop agenda"), 1)
        workshop_table(w)


def timeline_table(w: Writer) -> None:
    """Date, touchpoint, sender, audience and channel per row, columns wide enough for their words."""
    _ = w._
    header = [_("Date"), _("Touchpoint"), _("Sender"), _("Audience"), _("Channel")]
    rows = [[entry.date_label or long_date(entry.date, w.draft.lang), entry.touchpoint, entry.sender,
             entry.audience, entry.channel] for entry in w.draft.timeline]
    widths = fit_widths([header, *rows], [0.14, 0.32, 0.2, 0.18, 0.16], w.text_width)
    table = w.table(header, widths)
    for values in rows:
        for cell, value in zip(table.add_row().cells, values, strict=True):
            w.cell_text(cell, value)
    finish_rows(table)


def workshop_table(w: Writer) -> None:
    """Time range, duration and activity per block, then the total time."""
    _ = w._
    header = [_("Time"), _("Duration"), _("Activity")]
    times = [time_range(block.start, block.minutes) for block in w.draft.workshop]
    durations = [f"{block.minutes} min" for block in w.draft.workshop]
    widths = fit_widths([header, *zip(times, durations, ["" for _t in times], strict=True)],
                        [0.18, 0.13, 0.69], w.text_width)
    table = w.table(header, widths)
    for block, times_cell, duration in zip(w.draft.workshop, times, durations, strict=True):
        cells = table.add_row().cells
        w.cell_text(cells[0], times_cell)
        w.cell_text(cells[1], duration)
        w.cell_text(cells[2], block.title, bold=True)
        if block.exercise:
            label = w.paragraph(_("Exercise"), "Table Text", container=cells[2])
            label.runs[0].italic = True
        if clean_text(block.description).strip():
            w.paragraph(block.description, "Table Text", container=cells[2])
    finish_rows(table)
    total = sum(max(block.minutes, 0) for block in w.draft.workshop)
    summary = w.paragraph(_("Total time: {minutes} min", minutes=total), "Table Text")
    summary.paragraph_format.space_before = Pt(4)
    summary.paragraph_format.space_after = Pt(8)


def time_range(start: str, minutes: int) -> str:
    """"13.30" and 45 minutes -> "13.30–14.15" (keeping the separator); the start alone when it is no time."""
    start = one_line(start)
    match = re.fullmatch(r"(\d{1,2})[:.](\d{2})", start)
    if not match or minutes <= 0:
        return start
    separator = ":" if ":" in start else "."
    total = int(match.group(1)) * 60 + int(match.group(2)) + minutes
    return f"{start}\u2013{total // 60 % 24:02d}{separator}{total % 60:02d}"


# --- follow-up -------------------------------------------------------------------------------------------------

@layout("followup")
def followup(w: Writer) -> None:
    """Plain sections for staff, with the draft's one chart (if any) after the section it belongs to."""
    chart = w.draft.chart
    keys = [section.key for section in w.draft.sections]
    if chart is None or not chart.spec or chart.after not in keys:
        w.sections()
        return
    cut = keys.index(chart.after) + 1
    whole = w.draft
    try:  # the writer's own `sections` on each half, so whatever it adds per section applies here too
        w.draft = whole.model_copy(update={"sections": whole.sections[:cut]})
        w.sections()
        chart_picture(w, chart)
        w.draft = whole.model_copy(update={"sections": whole.sections[cut:]})
        w.sections()
    finally:
        w.draft = whole


def chart_picture(w: Writer, chart: Chart) -> None:
    """A chart as a PNG picture the width of the text, with its alt text (rendered offline by vl-convert)."""
    from toolkit.results.charts import to_png

    title = chart.spec.get("title", "")
    paragraph = w.new_paragraph("Normal")
    shape = paragraph.add_run().add_picture(io.BytesIO(to_png(chart.spec)), width=Twips(w.text_width))
    doc_pr = shape._inline.docPr  # Word reads a picture's alt text from docPr/@descr
    doc_pr.set("descr", clean_text(chart.alt))
    doc_pr.set("title", clean_text(title.get("text", "") if isinstance(title, dict) else str(title)))
