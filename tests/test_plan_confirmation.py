"""Confirming the plan (issue 9 §2): the other drafts stop asking to confirm its meetings, and a plan that changes
after a draft was written marks that draft stale, with an offer to write the parts that name the plan again."""

from __future__ import annotations

import time

from app_support import EXAMPLES, app, button, no_exceptions, page, seed_project, texts, workspace
from fakes import FakeRetriever

from toolkit import drafting
from toolkit.brief import load_brief
from toolkit.i18n import translator


def _plan_notes(draft):
    return [n for n in draft.notes if n.source == "plan"]


def test_a_confirmed_plan_removes_the_notes_that_ask_to_confirm_it():
    brief = load_brief(EXAMPLES / "brief-nl.yaml")
    retriever = FakeRetriever()
    proposal = drafting.draft("story", brief, lang="nl", retriever=retriever)
    agreed = drafting.draft("story", brief, lang="nl", retriever=retriever, plan_confirmed=True)
    assert _plan_notes(proposal), "a proposal asks the sender to confirm the meetings it names"
    assert not _plan_notes(agreed)
    assert agreed.touchpoints == proposal.touchpoints  # the same meetings, now agreed
    unconfirmed = [f for f in proposal.checks if f.check == "promises" and f.severity == "info"]
    assert unconfirmed and not [f for f in agreed.checks if f.check == "promises" and f.severity == "info"]


def test_confirming_the_plan_in_the_app_and_a_later_change_marks_the_story_stale():
    _ = translator("nl")
    pid = seed_project("nl")
    at = page(app("nl", project=pid), "plan")
    button(at, _("Write draft")).click().run()
    button(at, _("Confirm this plan")).click().run()
    no_exceptions(at)
    plan = workspace().latest_draft(pid, "plan")
    assert workspace().plan_confirmed(pid) == plan.version and workspace().plan_is_confirmed(pid)

    story = page(app("nl", project=pid), "story")
    button(story, _("Write draft")).click().run()
    no_exceptions(story)
    written = workspace().latest_draft(pid, "story").draft
    assert not _plan_notes(written), "the plan is confirmed: the story names its meetings as agreed"
    assert _("The plan changed after this draft was written: the dates and meetings it names may no longer "
             "match.") not in texts(story)

    time.sleep(0.01)  # the plan's next version is saved after the story
    workspace().save_draft(pid, plan.draft, base_version=plan.version)
    assert not workspace().plan_is_confirmed(pid), "a changed plan needs confirming again"
    story = page(app("nl", project=pid), "story")
    no_exceptions(story)
    assert "story" in workspace().stale_kinds(pid)
    assert _("The plan changed after this draft was written: the dates and meetings it names may no longer "
             "match.") in texts(story)


def test_the_faq_stops_asking_to_confirm_the_plan_once_it_is_confirmed():
    brief = load_brief(EXAMPLES / "brief-sv.yaml")
    retriever = FakeRetriever()
    proposal = drafting.draft("faq", brief, lang="sv", retriever=retriever)
    agreed = drafting.draft("faq", brief, lang="sv", retriever=retriever, plan_confirmed=True)
    assert _plan_notes(proposal) and not _plan_notes(agreed)
    assert [i.key for i in agreed.items] == [i.key for i in proposal.items]
