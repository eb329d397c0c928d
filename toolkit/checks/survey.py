"""Survey items: one idea each, neutral, not negated; one shared balanced 5-point scale; one eNPS 0-10; open
questions present."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from toolkit.checks._common import quote
from toolkit.i18n import translator
from toolkit.models import Draft, Finding

CONJUNCTIONS = {"en": r"and|or|and/or", "nl": r"en|of|en/of", "sv": r"och|eller|och/eller"}
NOT_DOUBLE = {  # phrases in which the conjunction does not join two things to rate
    "en": r"between\b.*\band\b|whether or not|more and more|now and then|and so on|or not\b|pros and cons",
    "nl": r"tussen\b.*\ben\b|(?:weet|weten|vraag|vragen|twijfel|benieuwd|zeker|afvragen)\w*\b[^.?]*?\bof\b"
          r"|af en toe|meer en meer|steeds meer en|op en neer|voor- en nadelen|^of\b",
    "sv": r"mellan\b.*\boch\b|då och då|mer och mer|om eller när|för- och nackdelar|nu och då",
}
LEADING = {
    "en": r"don['’]t you agree|wouldn['’]t you agree|don['’]t you think|isn['’]t it\b|how much do you "
          r"(?:appreciate|value|like|enjoy)|\bobviously\b|\bof course\b|\bsurely\b|\bundoubtedly\b|"
          r"\beveryone knows\b|\bas we all know\b|\bright\?|\bgreat new\b",
    "nl": r"\bnatuurlijk\b|\buiteraard\b|\bvanzelfsprekend\b|\btoch\s*\?|\bniet dan\s*\?|\bvind(?:t)? (?:je|u) "
          r"(?:ook )?niet\b|hoe tevreden ben (?:je|jij|u) niet|\bhoeveel waardeer|\bgeweldige?\b|"
          r"\bfantastische?\b|\biedereen weet\b|\bzoals we allemaal weten\b",
    "sv": r"\bvisst\b|\bsjälvklart\b|\bnaturligtvis\b|\bgivetvis\b|\bförstås\b|\buppenbarligen\b|"
          r"\bhåller (?:du|ni) inte med\b|\beller hur\b|\bhur mycket uppskattar\b|\bfantastiska?\b|"
          r"\balla vet\b|\bväl\s*\?",
}
NEGATIONS = {
    "en": r"\b(?:not|never|no|nobody|nothing|none|neither|nor|cannot)\b|\b\w+n['’]t\b",
    "nl": r"\b(?:niet|geen|nooit|niemand|niets|nergens)\b",
    "sv": r"\b(?:inte|ej|icke|aldrig|ingen|inget|inga|ingenting|ingen)\b",
}


def _find(pattern: str, text: str) -> re.Match | None:
    return re.search(pattern, text, re.IGNORECASE)


def double_barrelled(text: str, lang: str, names: Iterable[str] = ()) -> re.Match | None:
    """The conjunction that joins two things to rate in a survey item, or None."""
    for name in names:
        if name:
            text = re.sub(re.escape(name), lambda m: "x" * len(m.group(0)), text, flags=re.IGNORECASE)
    text = re.sub(r"[\"“”'‘’][^\"“”'‘’]*[\"“”'‘’]", lambda m: "x" * len(m.group(0)), text)  # quoted names
    text = re.sub(NOT_DOUBLE[lang], lambda m: "x" * len(m.group(0)), text, flags=re.IGNORECASE)
    return re.search(rf"(?<![\w/-])(?:{CONJUNCTIONS[lang]})(?![\w/-])", text, re.IGNORECASE)


def check_survey(draft: Draft) -> list[Finding]:
    """Survey items: one idea each, neutral, not negated; shared balanced labelled 5-point scale; one eNPS 0-10;
    open questions present."""
    if draft.kind != "survey" and not draft.questions:
        return []
    _ = translator(draft.lang)
    lang = draft.lang
    names = (draft.ai_tool, draft.organisation)
    findings: list[Finding] = []
    for q in draft.questions:
        where = f"{q.key}: “{quote(q.text)}”"
        match = _find(LEADING[lang], q.text)
        if match:
            findings.append(Finding(check="survey", severity="warning", where=where,
                                    message=_("Leading wording (“{word}”) steers the answer.", word=match.group(0)),
                                    fix=_("Ask neutrally: state the item plainly and let the scale do the work.")))
        if q.type != "likert":
            continue
        match = double_barrelled(q.text, lang, names)
        if match:
            findings.append(Finding(check="survey", severity="warning", where=where,
                                    message=_("Double-barrelled item: “{word}” joins two things to rate.",
                                              word=match.group(0)),
                                    fix=_("Split it into two items, or keep the one that matters most.")))
        match = _find(NEGATIONS[lang], re.sub(r"whether or not", "whether", q.text, flags=re.IGNORECASE))
        if match:
            findings.append(Finding(check="survey", severity="warning", where=where,
                                    message=_("Negated item (“{word}”): many respondents misread these.",
                                              word=match.group(0)),
                                    fix=_("Phrase the item positively, e.g. “I feel secure about my job”.")))
    findings += _check_scales(draft, _)
    return findings


def _check_scales(draft: Draft, _) -> list[Finding]:
    findings: list[Finding] = []
    likert = [q for q in draft.questions if q.type == "likert"]
    if likert:
        reference, _count = Counter(tuple(q.options) for q in likert).most_common(1)[0]
        labels = " / ".join(reference)
        if len(reference) != 5 or any(not o.strip() for o in reference):
            findings.append(Finding(check="survey", severity="warning", where=labels or likert[0].key,
                                    message=_("The agree scale should have 5 labelled points."),
                                    fix=_("Use five labels from fully disagree to fully agree.")))
        if len(reference) % 2 == 0 or len(set(reference)) != len(reference):
            findings.append(Finding(check="survey", severity="warning", where=labels,
                                    message=_("The scale is not balanced: it needs an odd number of distinct "
                                              "labels with a neutral midpoint."),
                                    fix=_("Use as many disagree as agree labels, with a neutral one between.")))
        for q in likert:
            if tuple(q.options) != reference:
                findings.append(Finding(check="survey", severity="warning", where=q.key,
                                        message=_("This item uses different scale labels from the others."),
                                        fix=_("Use the same labels for every agree item: {labels}.",
                                              labels=labels)))
    nps = [q for q in draft.questions if q.type == "nps"]
    if len(nps) != 1:
        findings.append(Finding(check="survey", severity="warning", where=", ".join(q.key for q in nps),
                                message=_("The survey should have exactly one eNPS item; it has {n}.", n=len(nps)),
                                fix=_("Keep one item: how likely are you to recommend us as a place to work "
                                      "(0–10).")))
    for q in nps:
        if q.options != [str(n) for n in range(11)]:
            findings.append(Finding(check="survey", severity="error", where=q.key,
                                    message=_("The eNPS item must use the scale 0 to 10."),
                                    fix=_("Set the options to 0, 1, … 10.")))
    if not any(q.type == "open" for q in draft.questions):
        findings.append(Finding(check="survey", severity="warning", where="",
                                message=_("The survey has no open question."),
                                fix=_("Add one or two open questions, e.g. what worries you and what would help.")))
    texts = Counter(" ".join(q.text.lower().split()) for q in draft.questions)
    for q in draft.questions:
        if texts[" ".join(q.text.lower().split())] > 1:
            findings.append(Finding(check="survey", severity="warning", where=f"{q.key}: “{quote(q.text)}”",
                                    message=_("This item appears more than once."), fix=_("Remove the duplicate.")))
    return findings
