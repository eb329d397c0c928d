"""Results: the survey's answers per wave, read against the project's survey, shown without exposing anyone,
then the follow-up message ("you said, we will").

Every upload, mapping correction, group column, minimum group size and commitment is saved with the project
as a new version of that wave's results (`Workspace.save_results`). Figures come only from a `Summary`, which
never holds a figure for a group below the minimum, so no table or chart here can show one.
"""

from __future__ import annotations

import functools
import importlib
import importlib.util
import logging

import pandas as pd
import streamlit as st

from toolkit import drafting
from toolkit.cards import get_card
from toolkit.models import DRAFT_KINDS, Draft
from toolkit.results import charts, masking
from toolkit.results.errors import ResultsError
from toolkit.results.ingest import read_responses, read_table, response_sheet
from toolkit.results.model import WAVES, ColumnMapping, Summary, WaveSummary
from toolkit.results.summary import detectable_note, shared_items_note, summarise, wording
from toolkit.workspace import ResultsVersion
from ui import artefact, resources, state
from ui.widgets import guarded, number, redact, require_project, run_page

log = logging.getLogger("toolkit.ui")
FILE_TYPES = ["xlsx", "csv", "tsv", "txt"]
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SEEN = "results_seen"  # session state: (project, wave) -> (file id, error message or "")
CACHE = "results_summaries"  # session state: summaries already computed this session
CACHED_SUMMARIES = 4


def wave_names() -> dict[str, str]:
    _ = state.tr()
    return {"before": _("Before the rollout"), "during": _("During the rollout"), "after": _("After the rollout")}


def followup_available() -> bool:
    """Whether this installation drafts the follow-up message (the fifth artefact)."""
    return "followup" in DRAFT_KINDS and importlib.util.find_spec("toolkit.drafting.followup") is not None


# --- reading and saving -------------------------------------------------------------------------------------

def _survey(pid: str) -> Draft | None:
    saved = state.workspace().latest_draft(pid, "survey")
    return saved.draft if saved else None


def survey_for_wave(pid: str, wave: str, survey: Draft) -> Draft:
    """The survey a wave's file answers: the newest survey drafted for that wave (in the project survey's
    language), else the project's survey. Each wave's survey words some questions its own way ("Since we started
    using ..."); read against another wave's survey those columns would match nothing."""
    versions = state.workspace().draft_versions(pid, "survey", lang=survey.lang)
    return next((v.draft for v in versions if v.draft.wave == wave), survey)


def _keep(previous: ResultsVersion | None, min_group: int) -> dict:
    """What a new version of a wave carries over from the one before (commitments, ledger, minimum)."""
    if previous is None:
        return {"min_group": min_group}
    return {"min_group": min_group, "commitments": previous.commitments, "ledger": previous.ledger,
            "cannot_do": previous.cannot_do}


def _read(name: str, data: bytes, survey: Draft, wave: str, mapping: list[ColumnMapping] | None,
          group_column: str | None):
    """(Responses, "") or (None, message in the UI language): a file that can't be read stores nothing."""
    _ = state.tr()
    try:
        return read_responses(name, data, survey, wave, mapping=mapping, group_column=group_column), ""
    except ResultsError as error:
        return None, error.message(state.ui_lang())
    except Exception as exc:  # an unforeseen file: a message, never a stack trace
        log.warning("results file unreadable: %s: %s", type(exc).__name__, redact(str(exc)))
        return None, _("{name}: the file could not be read. Check that it is the answer file of this survey, "
                       "saved as .xlsx or .csv.", name=name)


def _save(pid: str, wave: str, name: str, data: bytes, responses, **fields) -> None:
    group = next((m.column for m in responses.report.mapping if m.method == "group"), None)
    state.workspace().save_results(pid, wave, file_name=name, file=data, responses=responses,
                                   mapping=responses.report.mapping, group_column=group,
                                   session_id=state.session_id(), **fields)


def _import(pid: str, wave: str, name: str, data: bytes, survey: Draft, previous: ResultsVersion | None,
            min_group: int) -> str:
    """Read a new file for a wave with the corrections made to the last one, and save it. Returns an error."""
    items = {q.key for q in survey.questions}
    overrides = [m for m in previous.mapping if m.method != "group" and (m.item is None or m.item in items)] \
        if previous else None
    responses, error = _read(name, data, survey, wave, overrides, _group_column(pid, wave, name, data, previous))
    if responses is None:
        return error
    _save(pid, wave, name, data, responses, **_keep(previous, min_group))
    return ""


def group_column(columns: list[str], chosen: list[str]) -> str | None:
    """The group column for a new file: the first column chosen before (this wave's, then the other waves')
    that the file has, matched as the importer matches names; None lets the importer recognise it itself."""
    from toolkit.results.ingest.table import norm

    present = {norm(c): c for c in columns}
    return next((present[norm(c)] for c in chosen if c and norm(c) in present), None)


def _group_column(pid: str, wave: str, name: str, data: bytes, previous: ResultsVersion | None) -> str | None:
    """A group column chosen for this wave or another one is kept when the new file has it; a file whose column
    is named otherwise ("Team" after "Arbetslag") gets the one recognised from its own header."""
    others = [r.group_column for w, r in state.workspace().latest_results(pid).items() if w != wave]
    chosen = [previous.group_column if previous else None, *others]
    if not any(chosen):
        return None
    try:
        table = read_table(name, data)
    except Exception:  # read_responses reports what is wrong with the file
        return None
    return group_column([c.name for c in table.columns], [c for c in chosen if c])


def _reread(pid: str, wave: str, saved: ResultsVersion, survey: Draft, mapping: list[ColumnMapping],
            group_column: str | None) -> str:
    """Read the kept file again with a corrected mapping or group column; save it when it reads."""
    responses, error = _read(saved.file_name, saved.file, survey, wave, mapping, group_column)
    if responses is None:
        return error
    _save(pid, wave, saved.file_name, saved.file, responses, **_keep(saved, saved.min_group))
    return ""


# --- summaries ---------------------------------------------------------------------------------------------

def _theme_finder(brief):
    """Themes grouped with the app's warm embedder (words only when the index cannot be opened)."""
    from toolkit.results.themes import find_themes

    try:
        embeddings = resources.retriever(state.settings()).embeddings
    except Exception as exc:
        log.warning("themes without embeddings: %s", type(exc).__name__)
        embeddings = None
    allow = [v for v in (getattr(brief, "organisation", ""), getattr(brief, "ai_tool", "")) if v]
    return functools.partial(find_themes, embeddings=embeddings, allow=allow)


def summary_for(pid: str, survey: Draft, saved: dict[str, ResultsVersion], brief, min_group: int,
                lang: str) -> Summary:
    """The summary of every saved wave in `lang`, computed once per content, minimum and language."""
    key = (pid, lang, min_group, survey.model_dump_json(include={"questions"}).__hash__(),
           tuple((w, r.responses.model_dump_json().__hash__()) for w, r in saved.items()))
    cache = st.session_state.setdefault(CACHE, {})
    if key not in cache:
        settings = state.settings()
        names = masking.names_from_brief(brief) if brief else []
        while len(cache) >= CACHED_SUMMARIES:  # the page needs two at a time: the UI's and the document's language
            cache.pop(next(iter(cache)))
        cache[key] = summarise({w: r.responses for w, r in saved.items()}, survey, lang=lang,
                               team_size=getattr(brief, "team_size", None), min_group=min_group,
                               min_comments=settings.min_comments, themes=_theme_finder(brief), names=names)
    return cache[key]


# --- the page: uploads and mapping --------------------------------------------------------------------------

def _min_group(pid: str, saved: dict[str, ResultsVersion]) -> int:
    _ = state.tr()
    default = next(reversed(saved.values())).min_group if saved else state.settings().min_group
    key = f"results:{pid}:min_group"
    st.session_state.setdefault(key, default)
    return int(st.columns([1, 3])[0].number_input(
        _("Smallest group shown"), min_value=3, max_value=10, step=1, key=key, on_change=_on_min_group,
        args=(pid, key), help=_("No figure is shown for fewer people than this, in any table, chart or document. "
                                "A smaller group counts only in the whole team.")))


@guarded
def _on_min_group(pid: str, key: str) -> None:
    value = int(st.session_state[key])
    for wave, saved in state.workspace().latest_results(pid).items():
        if saved.min_group != value:
            state.workspace().save_results(pid, wave, file_name=saved.file_name, file=saved.file,
                                           responses=saved.responses, mapping=saved.mapping,
                                           group_column=saved.group_column, session_id=state.session_id(),
                                           **_keep(saved, value))


def _uploads(pid: str, survey: Draft, min_group: int) -> None:
    tabs = st.tabs(list(wave_names().values()))
    for tab, wave in zip(tabs, WAVES, strict=True):
        with tab:
            _wave_upload(pid, wave, survey_for_wave(pid, wave, survey), min_group)


def _wave_upload(pid: str, wave: str, survey: Draft, min_group: int) -> None:
    _ = state.tr()
    upload = st.file_uploader(_("Answers file of this wave (.xlsx, .csv or .tsv)"), type=FILE_TYPES,
                              key=f"results:{pid}:{wave}:file",
                              help=_("An export of Microsoft Forms, Google Forms or Qualtrics, our response sheet, "
                                     "or any sheet with one row per person."))
    seen = st.session_state.setdefault(SEEN, {})
    if upload is not None and seen.get((pid, wave), ("",))[0] != upload.file_id:
        previous = state.workspace().latest_results(pid).get(wave)
        error = _import(pid, wave, upload.name, upload.getvalue(), survey, previous, min_group)
        seen[(pid, wave)] = (upload.file_id, error)
        if not error:
            state.flash("success", _("{name} was read and saved with the project.", name=upload.name))
            st.rerun()
    if upload is not None and seen.get((pid, wave), ("", ""))[1]:
        st.error(seen[(pid, wave)][1], icon=":material/error:")
    saved = state.workspace().latest_results(pid).get(wave)
    if saved is None:
        st.caption(_("No answers for this wave yet."))
        return
    st.caption(_("Saved: {name}, version {version}.", name=saved.file_name, version=saved.version))
    _import_report(saved, survey)
    _group_choice(pid, wave, saved, survey)
    _mapping_editor(pid, wave, saved, survey)


def _import_report(saved: ResultsVersion, survey: Draft) -> None:
    """What happened to every row and column: nothing is dropped without being counted here."""
    _ = state.tr()
    report = saved.responses.report
    cols = st.columns(6)
    counts = [(_("Rows read"), report.rows), (_("People"), len(saved.responses.respondents)),
              (_("Blank rows"), report.blank_rows), (_("Duplicates"), report.duplicates),
              (_("Out of range"), sum(report.out_of_range.values())),
              (_("Unused columns"), len(report.unmapped_columns))]
    for col, (label, value) in zip(cols, counts, strict=True):
        col.metric(label, number(value))
    notes = []
    if report.unreadable:
        notes.append(_("Answers that match no answer option: {n}.", n=sum(report.unreadable.values())))
    if report.excluded:
        notes.append(_("Rows left out as test or spam responses: {n}.", n=sum(report.excluded.values())))
    if report.unmapped_columns:
        notes.append(_("Columns not used: {columns}.", columns=", ".join(report.unmapped_columns)))
    if report.out_of_range:
        texts = {q.key: q.text for q in survey.questions}  # the question as the reader knows it, not its key
        notes.append(_("Out of range per question: {counts}.", counts="; ".join(
            f"“{_short(texts.get(k, k))}” ({number(v)})" for k, v in report.out_of_range.items())))
    for note in notes:
        st.caption(note)


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _group_choice(pid: str, wave: str, saved: ResultsVersion, survey: Draft) -> None:
    _ = state.tr()
    columns = [""] + [m.column for m in saved.mapping]
    current = saved.group_column or ""
    choice = st.selectbox(_("Group column (team, site or shift)"), columns, index=columns.index(current)
                          if current in columns else 0, key=f"results:{pid}:{wave}:group:{saved.version}",
                          format_func=lambda c: c or _("No group column"))
    if choice == current:
        return
    mapping = [m if m.column != current else ColumnMapping(column=m.column, method="none")
               for m in saved.mapping if m.method != "group" or m.column == current]
    error = _reread(pid, wave, saved, survey, mapping, choice or None)
    if error:
        st.error(error, icon=":material/error:")
        return
    st.rerun()


def _item_options(survey: Draft) -> dict[str, str | None]:
    """The mapping table's choices, label -> item key (None: the column is not used)."""
    _ = state.tr()
    options: dict[str, str | None] = {_("Not used"): None}
    for q in survey.questions:
        text = q.text if len(q.text) <= 70 else q.text[:69] + "…"
        options[f"{q.key}: {text}"] = q.key
    return options


def _method_labels() -> dict[str, str]:
    _ = state.tr()
    return {"key": _("by question key"), "text": _("by question text"), "fuzzy": _("by similar wording"),
            "user": _("by you"), "meta": _("details, not a question"), "group": _("group column"),
            "none": _("not matched")}


def _mapping_editor(pid: str, wave: str, saved: ResultsVersion, survey: Draft) -> None:
    """The column -> question table the user confirms or corrects; a correction reads the file again."""
    _ = state.tr()
    options = _item_options(survey)
    label_of = {key: label for label, key in options.items()}
    methods = _method_labels()
    rows = [{"column": m.column, "item": label_of.get(m.item, _("Not used")), "method": methods.get(m.method, m.method),
             "score": number(round(m.score)) if m.item else ""} for m in saved.mapping]
    st.markdown("**" + _("Which column holds which question") + "**")
    st.caption(_("Check the matches and correct any that are wrong; the file is read again with your choice."))
    config = {
        "column": st.column_config.TextColumn(_("Column in the file"), disabled=True, width="medium"),
        "item": st.column_config.SelectboxColumn(_("Survey question"), options=list(options), required=True,
                                                 width="large"),
        "method": st.column_config.TextColumn(_("Matched"), disabled=True),
        "score": st.column_config.TextColumn(_("Match %"), disabled=True),
    }
    edited = st.data_editor(pd.DataFrame(rows), column_config=config, hide_index=True, width="stretch",
                            num_rows="fixed", key=f"results:{pid}:{wave}:mapping:{saved.version}")
    chosen = [options.get(value) for value in edited["item"]]
    changed = [i for i, m in enumerate(saved.mapping) if chosen[i] != m.item]
    if not changed:
        return
    error = _reread(pid, wave, saved, survey, corrected_mapping(saved.mapping, chosen, changed),
                    saved.group_column)
    if error:
        st.error(error, icon=":material/error:")
        return
    state.flash("success", _("Your correction is saved; the answers were read again."))
    st.rerun()


def corrected_mapping(mapping: list[ColumnMapping], chosen: list[str | None], changed: list[int]) -> list[ColumnMapping]:
    """The whole mapping after the user's changes: a question the user put in a column leaves any other column."""
    taken = {chosen[i] for i in changed if chosen[i]}
    out = []
    for i, m in enumerate(mapping):
        if m.method == "group":
            continue
        if i in changed:
            out.append(ColumnMapping(column=m.column, item=chosen[i], method="user" if chosen[i] else "none",
                                     score=100.0 if chosen[i] else 0.0))
        elif m.item in taken:
            out.append(ColumnMapping(column=m.column, method="none"))
        else:
            out.append(m)
    return out


# --- the page: what the answers say -------------------------------------------------------------------------

def _overview(summary: Summary) -> None:
    _ = state.tr()
    lang = state.ui_lang()
    if summary.notes:
        st.info("\n".join(f"- {note}" for note in summary.notes), icon=":material/visibility_off:")
    for kind, chart in charts.charts_for(summary, lang):
        # The toolkit's own look (colour-blind-safe palette), as in the Word report, with alt text. Streamlit fits
        # the whole chart, title, axes and legend included, into the size it is given: the spec's size is the
        # plot's, so give room around it (a one-bar chart would otherwise be squeezed flat).
        width, height = _size(chart)
        st.altair_chart(chart, width=width + 120, height=height + 110, theme=None,
                        alt=charts.alt_text(kind, summary, lang))
    _changes(summary, lang)
    tabs = st.tabs([wave_names()[w.wave] for w in summary.waves])
    for tab, wave in zip(tabs, summary.waves, strict=True):
        with tab:
            _wave_tables(wave, lang)


def _size(chart) -> tuple[int, int]:
    """The plot size a chart specification asks for (the defaults of toolkit.results.charts otherwise)."""
    width, height = getattr(chart, "width", None), getattr(chart, "height", None)
    return (max(width, 240) if isinstance(width, int) else charts.WIDTH), (height if isinstance(height, int) else 240)


def _changes(summary: Summary, lang: str) -> None:
    """Each change between waves with the two figures compared and its verdict; the test that decided it and how
    large a change this many people can show are said once, below (never a change chance explains)."""
    if not summary.changes:
        return
    words = wording(lang)
    text, report = words["text"], words["report"]["changes"]
    labels = {d.key: d.label for w in summary.waves for d in w.dimensions}
    lines = []
    for change in summary.changes:
        enps = change.dimension == "enps"
        lines.append("- " + text["change_values"].format(
            dimension="eNPS" if enps else labels.get(change.dimension, change.dimension),
            first=words["waves"][change.from_], second=words["waves"][change.to],
            from_value=_figure(change.from_value, enps, text), to_value=_figure(change.to_value, enps, text),
            delta=signed_number(change.delta), unit=text["units"]["enps" if enps else "percent"],
            verdict=report["verdicts"].get(change.verdict, change.verdict)).replace("  ", " "))
    st.markdown(f"**{text['changes']}**\n\n" + "\n".join(lines))
    methods = [report["method"].format(method=m) for m in dict.fromkeys(c.method for c in summary.changes)]
    notes = [detectable_note(summary, lang), shared_items_note(summary, lang), *methods]
    st.caption(" ".join(n for n in notes if n))


def _figure(value: float | None, enps: bool, text: dict) -> str:
    """A compared figure: an eNPS with its sign, a share as "62 %"; nothing when the summary does not hold it."""
    if value is None:
        return ""
    return signed_number(value) if enps else text["percent"].format(value=number(round(value)))


def signed_number(value: float) -> str:
    """A rounded change or eNPS with its sign, as the reader's locale writes the number ("+12", "-6")."""
    rounded = round(value)
    return ("+" if rounded > 0 else "") + number(rounded)


def _wave_tables(wave: WaveSummary, lang: str) -> None:
    _ = state.tr()
    text = wording(lang)["text"]
    if not wave.dimensions:
        st.caption(_("{n} responses. Too few people answered to show any figure.", n=wave.responses))
        return
    st.caption(_("{n} responses.", n=wave.responses))
    columns = text["columns"]
    rows = [{columns[0]: s.label or s.key, columns[1]: s.n, columns[2]: round(s.favourable),
             columns[3]: round(s.neutral), columns[4]: round(s.unfavourable), columns[5]: number(round(s.mean, 2)),
             columns[6]: f"{number(round(s.low))}–{number(round(s.high))}"} for s in wave.dimensions]
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
    _groups(wave, text)
    _barrier(wave, lang)


def _groups(wave: WaveSummary, text: dict) -> None:
    _ = state.tr()
    if not wave.groups:
        return
    st.markdown("**" + text["groups"] + "**")
    labels = [d.label or d.key for d in wave.dimensions]
    rows = []
    for group in wave.groups:
        row = {_("Group"): group.name, "n": str(group.n) if group.shown else text["not_shown"]}
        scores = {d.label or d.key: round(d.favourable) for d in group.dimensions} if group.shown else {}
        row.update({label: (str(scores[label]) if label in scores else "–") for label in labels})
        rows.append(row)
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
    st.caption(_("Favourable answers in %. A group with too few people shows no figure at all."))


def _barrier(wave: WaveSummary, lang: str) -> None:
    words = wording(lang)
    text, barrier = words["text"], wave.barrier
    if barrier is None:
        return
    dims = {d.key: d for d in wave.dimensions}
    if barrier.element and barrier.dimension in dims:
        line = text["barrier"].format(element=words["adkar"][barrier.element], dimension=dims[barrier.dimension].label,
                                      value=number(round(barrier.favourable or 0)), target=number(round(barrier.target)),
                                      card="").rsplit(".", 1)[0].strip()
        st.warning(line + ".", icon=":material/flag:")
        _card(barrier.cards.get("barrier"))
    else:
        st.success(text["no_barrier"].format(target=number(round(barrier.target))), icon=":material/check_circle:")
    for role in ("strongest", "weakest"):
        key = getattr(barrier, role)
        if key in dims:
            st.caption(text[role].format(dimension=dims[key].label, value=number(round(dims[key].favourable)),
                                         card="").rsplit(".", 1)[0].strip() + ".")


def _card(card_id: str | None) -> None:
    _ = state.tr()
    card = get_card(card_id, state.ui_lang()) if card_id else None
    if card is None:
        return
    with st.expander(_("What helps: {title}", title=card.title), icon=":material/menu_book:"):
        if card.claim:
            st.info(card.claim)
        st.markdown(card.body)
        st.caption(_("Source: {source}", source=card.source))


def _themes(pid: str, summary: Summary) -> None:
    _ = state.tr()
    wave = next((w for w in reversed(summary.waves) if w.themes), None)
    st.subheader(_("What people wrote"))
    if wave is None:
        st.caption(_("No themes to show: too few people wrote a comment, or there are no open questions."))
        return
    st.caption(_("{wave}. Quotes are shortened, and names, e-mail addresses and phone numbers are masked.",
                 wave=wave_names()[wave.wave]))
    faq = artefact.current(pid, "faq")
    asked = {i.question.strip().casefold() for i in faq.draft.items} if faq else set()
    if faq is None and any(t.faq_question for t in wave.themes):
        st.caption(_("Draft the FAQ first; then a question can be added to it."))
    for n, theme in enumerate(wave.themes):
        with st.container(border=True):
            st.markdown(f"**{theme.label}** · " + _("{n} people", n=theme.count))
            if theme.quotes:
                st.markdown("\n".join(f"- *“{quote}”*" for quote in theme.quotes))
            if theme.faq_question:
                _faq_suggestion(pid, theme.faq_question, n, faq is not None, theme.faq_question.casefold() in asked)


def _faq_suggestion(pid: str, question: str, n: int, has_faq: bool, asked: bool) -> None:
    _ = state.tr()
    c1, c2 = st.columns([3, 2], vertical_alignment="center")
    c1.caption(_("Suggested FAQ question: {question}", question=question))
    if asked:
        c2.caption(_("In the FAQ"))
        return
    c2.button(_("Add to FAQ"), key=f"results:{pid}:faq:{n}", icon=":material/add:", on_click=_on_add_faq,
              args=(pid, question), disabled=not has_faq, width="stretch",
              help=None if has_faq else _("Draft the FAQ first; then a question can be added to it."))


@guarded
def _on_add_faq(pid: str, question: str) -> None:
    _ = state.tr()
    brief = artefact.brief_for(pid)[0]
    cur = artefact.current(pid, "faq")
    if brief is None or cur is None:
        state.flash("warning", _("The brief is not complete yet. Complete it to draft this document."))
        return
    retriever, model, _notice = artefact.engine(state.settings())
    artefact.save(pid, drafting.add_question(cur.draft, question, brief, retriever=retriever, chat_model=model),
                  replaced=True)
    state.flash("success", _("Your question was added with an answer. Check the answer before you use it."))


def _downloads(pid: str, survey: Draft, summary_doc: Summary, brief) -> None:
    _ = state.tr()
    stem = artefact.filename(survey, "x").rsplit("-survey-", 1)[0]
    cols = st.columns(3)
    try:
        report = _report(summary_doc, survey.lang, brief)
    except Exception as exc:
        log.error("results report failed: %s", redact(str(exc)))
        cols[0].error(_("The Word document could not be made. Your draft is saved; please try again."))
    else:
        cols[0].download_button(_("Download the results report (Word)"), report, mime=DOCX, type="primary",
                                file_name=f"{stem}-results-{survey.lang}.docx", icon=":material/download:",
                                key="results:report", on_click="ignore", width="stretch")
    cols[1].download_button(_("Response sheet (.xlsx)"), _sheet(survey, "xlsx"), mime=XLSX,
                            file_name=f"{stem}-response-sheet-{survey.lang}.xlsx", icon=":material/table:",
                            key="results:sheet-xlsx", on_click="ignore", width="stretch")
    cols[2].download_button(_("Response sheet (.csv)"), _sheet(survey, "csv"), mime="text/csv",
                            file_name=f"{stem}-response-sheet-{survey.lang}.csv", icon=":material/table:",
                            key="results:sheet-csv", on_click="ignore", width="stretch")


def _sheet(survey: Draft, fmt: str) -> bytes:
    """The blank response sheet, made once per survey version (every click reruns the page)."""
    key = (survey.model_dump_json(include={"questions", "lang", "title"}).__hash__(), fmt)
    cache = st.session_state.setdefault("results_sheets", {})
    if key not in cache:
        cache[key] = response_sheet(survey, fmt)
    return cache[key]


def _report(summary: Summary, lang: str, brief) -> bytes:
    from toolkit.results.report import to_docx

    key = ("results-report", summary.model_dump_json().__hash__(), lang)
    cache = st.session_state.setdefault("results_report", {})
    if key not in cache:
        cache.clear()
        cache[key] = to_docx(summary, lang, brief=brief)
    return cache[key]


# --- the page: the follow-up message ------------------------------------------------------------------------

def _lines(text: str) -> list[str]:
    return [line.strip(" -•\t") for line in (text or "").splitlines() if line.strip(" -•\t")]


def _suggestions(summary: Summary, lang: str) -> list[str]:
    if not followup_available():
        return []
    try:
        return list(importlib.import_module("toolkit.drafting.followup").suggest_commitments(summary, lang))
    except Exception as exc:
        log.warning("no commitment suggestions: %s", type(exc).__name__)
        return []


def _commitments(pid: str, wave: str, saved: ResultsVersion, summary: Summary, lang: str) -> None:
    """What we will do (picked or typed), what we cannot do yet, and what became of earlier promises."""
    _ = state.tr()
    suggestions = _suggestions(summary, lang)
    base = f"results:{pid}:{wave}"
    st.session_state.setdefault(f"{base}:picked", [c for c in saved.commitments if c in suggestions])
    st.session_state.setdefault(f"{base}:own", "\n".join(c for c in saved.commitments if c not in suggestions))
    st.session_state.setdefault(f"{base}:cannot", "\n".join(saved.cannot_do))
    if suggestions:
        st.multiselect(_("Commitments suggested for the weakest points"), suggestions, key=f"{base}:picked",
                       on_change=_on_commitments, args=(pid, wave, base), placeholder=_("Pick any that fit"))
    st.text_area(_("Your own commitments, one per line (what, who, by when)"), key=f"{base}:own",
                 on_change=_on_commitments, args=(pid, wave, base), help=artefact.save_help())
    st.text_area(_("What we cannot do yet, and why (one per line)"), key=f"{base}:cannot",
                 on_change=_on_commitments, args=(pid, wave, base), help=artefact.save_help())
    _ledger(pid, wave, saved)


@guarded
def _on_commitments(pid: str, wave: str, base: str) -> None:
    saved = state.workspace().latest_results(pid).get(wave)
    if saved is None:
        return
    commitments = list(dict.fromkeys([*st.session_state.get(f"{base}:picked", []),
                                      *_lines(st.session_state.get(f"{base}:own", ""))]))
    cannot = _lines(st.session_state.get(f"{base}:cannot", ""))
    if commitments == saved.commitments and cannot == saved.cannot_do:
        return
    state.workspace().save_results(pid, wave, file_name=saved.file_name, file=saved.file, responses=saved.responses,
                                   mapping=saved.mapping, group_column=saved.group_column, min_group=saved.min_group,
                                   commitments=commitments, ledger=saved.ledger, cannot_do=cannot,
                                   session_id=state.session_id())


def earlier_promises(results: dict[str, ResultsVersion], wave: str) -> list[dict]:
    """The commitments made after the waves before `wave`, with whether they were done (from `wave`'s ledger)."""
    done = {(e.get("wave"), e.get("text")): e.get("done") for e in results[wave].ledger}
    out = []
    for earlier in WAVES[:WAVES.index(wave)]:
        for text in results[earlier].commitments if earlier in results else []:
            out.append({"text": text, "wave": earlier, "done": done.get((earlier, text))})
    return out


def _ledger(pid: str, wave: str, saved: ResultsVersion) -> None:
    _ = state.tr()
    promises = earlier_promises(state.workspace().latest_results(pid), wave)
    if not promises:
        return
    st.markdown("**" + _("What we promised last time") + "**")
    rows = [{"text": p["text"], "wave": wave_names()[p["wave"]], "done": bool(p["done"])} for p in promises]
    config = {"text": st.column_config.TextColumn(_("Commitment"), disabled=True, width="large"),
              "wave": st.column_config.TextColumn(_("Made after"), disabled=True),
              "done": st.column_config.CheckboxColumn(_("Done"))}
    edited = st.data_editor(pd.DataFrame(rows), column_config=config, hide_index=True, width="stretch",
                            num_rows="fixed", key=f"results:{pid}:{wave}:ledger:{saved.version}")
    ledger = [{**p, "done": bool(d)} for p, d in zip(promises, edited["done"], strict=True)]
    if ledger == [{**p, "done": bool(p["done"])} for p in promises]:
        return  # nothing ticked or unticked: no new version
    state.workspace().save_results(pid, wave, file_name=saved.file_name, file=saved.file, responses=saved.responses,
                                   mapping=saved.mapping, group_column=saved.group_column, min_group=saved.min_group,
                                   commitments=saved.commitments, ledger=ledger, cannot_do=saved.cannot_do,
                                   session_id=state.session_id())
    st.rerun()


def _ledger_entries(entries: list[dict]) -> list:
    """The ledger as the follow-up's core takes it (its `Commitment` model when that exists)."""
    try:
        commitment = importlib.import_module("toolkit.results.ledger").Commitment
    except (ImportError, AttributeError):
        return entries
    return [commitment(**entry) for entry in entries]


def followup_wave(pid: str, saved: dict[str, ResultsVersion]) -> str:
    """The wave the follow-up message is about: the user's choice, else the last wave with answers (also after
    a later wave was uploaded, unless the user picked one)."""
    chosen = st.session_state.get(f"results:{pid}:followup_wave")
    picked = st.session_state.get(f"results:{pid}:followup_picked")
    return chosen if picked and chosen in saved else next(reversed(saved))


def _on_followup_wave(pid: str) -> None:
    st.session_state[f"results:{pid}:followup_picked"] = True


def followup_args(pid: str, lang: str) -> dict:
    """What the follow-up is drafted from, read fresh from the workspace when the user drafts: the waves up to
    the one it is about, that wave's commitments and what became of the earlier ones."""
    results = state.workspace().latest_results(pid)
    survey = _survey(pid)
    if not results or survey is None:
        return {}
    wave = followup_wave(pid, results)
    upto = {w: r for w, r in results.items() if WAVES.index(w) <= WAVES.index(wave)}
    record = results[wave]
    summary = summary_for(pid, survey, upto, artefact.brief_for(pid)[0], record.min_group, lang)
    return {"summary": summary, "commitments": record.commitments, "cannot_do": record.cannot_do,
            "ledger": _ledger_entries(record.ledger)}


def _followup(pid: str, saved: dict[str, ResultsVersion], survey: Draft, brief, min_group: int) -> None:
    _ = state.tr()
    st.divider()
    st.header(_("Follow-up message"))
    names = wave_names()
    st.session_state[f"results:{pid}:followup_wave"] = followup_wave(pid, saved)
    st.selectbox(_("The follow-up is about"), list(saved), format_func=names.get, key=f"results:{pid}:followup_wave",
                 on_change=_on_followup_wave, args=(pid,))
    wave = followup_wave(pid, saved)
    upto = {w: r for w, r in saved.items() if WAVES.index(w) <= WAVES.index(wave)}
    summary_doc = summary_for(pid, survey, upto, brief, min_group, survey.lang)
    _commitments(pid, wave, saved[wave], summary_doc, survey.lang)
    if not followup_available():
        st.info(_("Drafting the follow-up message is not available in this version of the toolkit yet. Your "
                  "commitments are saved with the project."), icon=":material/info:")
        return
    artefact.page("followup", _("Your draft"), artefact.section_editor, args=functools.partial(followup_args, pid),
                  heading=st.subheader)


# --- the page ----------------------------------------------------------------------------------------------

def render() -> None:
    _ = state.tr()
    project = require_project()
    pid = project.id
    st.title(_("Results"))
    survey = _survey(pid)
    if survey is None:
        st.info(_("The answers are read against the project's pulse survey, and this project has no survey draft "
                  "yet. Draft the survey first."), icon=":material/ballot:")
        st.page_link("ui/pages/survey.py", label=_("Draft the pulse survey"), icon=":material/arrow_forward:")
        return
    brief = artefact.brief_for(pid)[0]
    saved = state.workspace().latest_results(pid)
    min_group = _min_group(pid, saved)
    _uploads(pid, survey, min_group)
    saved = state.workspace().latest_results(pid)
    if not saved:
        st.info(_("Upload the answers of at least one wave to see the results."), icon=":material/upload_file:")
        _sheet_only(survey)
        return
    summary = summary_for(pid, survey, saved, brief, min_group, state.ui_lang())
    st.header(_("What the answers say"))
    _overview(summary)
    _themes(pid, summary)
    st.subheader(_("Downloads"))
    _downloads(pid, survey, summary_for(pid, survey, saved, brief, min_group, survey.lang), brief)
    _followup(pid, saved, survey, brief, min_group)


def _sheet_only(survey: Draft) -> None:
    _ = state.tr()
    stem = artefact.filename(survey, "x").rsplit("-survey-", 1)[0]
    st.download_button(_("Response sheet (.xlsx)"), _sheet(survey, "xlsx"), mime=XLSX,
                       file_name=f"{stem}-response-sheet-{survey.lang}.xlsx", icon=":material/table:",
                       key="results:sheet-xlsx", on_click="ignore",
                       help=_("A blank sheet for this survey: one row per person, one column per question."))


run_page(render)
