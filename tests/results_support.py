"""Builders for survey results tests: a small survey and answers made to order, without files."""

from __future__ import annotations

from toolkit.models import Draft, SurveyQuestion
from toolkit.results.model import Respondent, Responses

# Two items per rated dimension, as the composer's survey; the second job_security and workload items are
# reversed ("I worry about my job", "... is causing me stress").
DIMENSIONS = ("purpose", "trust", "job_security", "workload", "readiness", "involvement", "usefulness")
REVERSE = {"job_security_2", "workload_2"}


def survey(*, dimensions: tuple[str, ...] = DIMENSIONS, lang: str = "en") -> Draft:
    questions = [SurveyQuestion(key=f"{d}_{n}", text=f"Statement {n} about {d}.", type="likert", dimension=d,
                                reverse=f"{d}_{n}" in REVERSE) for d in dimensions for n in (1, 2)]
    questions.append(SurveyQuestion(key="enps", text="Would you recommend us?", type="nps", dimension="enps"))
    questions.append(SurveyQuestion(key="open_1", text="What would help?", type="open", dimension="open"))
    return Draft(kind="survey", lang=lang, title="Pulse survey", questions=questions, wave="before")


def texts(draft: Draft) -> dict[str, str]:
    return {q.key: q.text for q in draft.questions}


def people(n: int, *, likert: int | dict[str, int] = 4, enps: int | None = 8, group: str | None = None,
           comment: str = "", start: int = 0, keys: tuple[str, ...] | None = None) -> list[Respondent]:
    """`n` respondents who all give the same answers: `likert` for every Likert item (as asked, before any
    reversal) or per key, `enps` 0-10 or None to skip it."""
    keys = keys if keys is not None else tuple(f"{d}_{k}" for d in DIMENSIONS for k in (1, 2))
    result = []
    for i in range(n):
        answers: dict[str, int | str] = {}
        for key in keys:
            value = likert.get(key) if isinstance(likert, dict) else likert
            if value is not None:
                answers[key] = value
        if enps is not None:
            answers["enps"] = enps
        if comment:
            answers["open_1"] = comment
        result.append(Respondent(id=f"{group or 'p'}-{start + i}", group=group, answers=answers))
    return result


def wave(name: str, respondents: list[Respondent], draft: Draft | None = None) -> Responses:
    return Responses(wave=name, respondents=respondents, item_texts=texts(draft or survey()))


def answer_csv(header: str, people: list[tuple[str, int, int]]) -> bytes:
    """A generic CSV answer file for `survey()`: an ID, a group column called `header`, every Likert item and
    the eNPS; one row per (group as typed, Likert answer for every item, eNPS answer)."""
    import csv
    import io

    keys = [f"{d}_{n}" for d in DIMENSIONS for n in (1, 2)]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["ID", header, *keys, "enps"])
    for number, (group, likert, enps) in enumerate(people, start=1):
        writer.writerow([number, group, *[likert] * len(keys), enps])
    return buffer.getvalue().encode()
