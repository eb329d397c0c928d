"""One brief, several languages: map-valued fields resolve per language, and a draft says which brief text it
still quotes in another language."""

from __future__ import annotations

import pytest
import yaml
from app_support import example_brief as example

from toolkit import drafting
from toolkit.brief import (
    BriefError,
    brief_to_dict,
    load_brief,
    parse_brief,
    quoted_fields,
    value_in,
    with_value,
    written_in,
)
from toolkit.i18n import translator


def _two_languages() -> dict:
    data = example("nl")
    data["contact_person"] = {"nl": "Sanne de Vries, teamleider klantenservice",
                              "sv": "Sanne de Vries, gruppchef för kundtjänsten"}
    data["audience"] = {"nl": "Medewerkers klantenservice telefonie", "sv": "Handläggare i telefonkundtjänsten"}
    data["stops_doing"] = {"nl": ["Na elk gesprek de notities zelf uittypen"],
                           "sv": ["Skriva anteckningar för hand efter varje samtal"]}
    data["address"] = {"nl": "u", "sv": "ni"}
    return data


def test_map_valued_fields_resolve_per_language():
    brief = parse_brief(_two_languages())
    assert brief.contact_person == "Sanne de Vries, teamleider klantenservice"  # the brief's own language
    swedish = brief.for_lang("sv")
    assert swedish.contact_person == "Sanne de Vries, gruppchef för kundtjänsten"
    assert swedish.audience == "Handläggare i telefonkundtjänsten"
    assert swedish.stops_doing == ["Skriva anteckningar för hand efter varje samtal"]
    assert (brief.register("nl"), brief.register("sv")) == ("u", "ni")
    assert swedish.register("sv") == "ni" and swedish.for_lang("nl").contact_person.endswith("klantenservice")
    assert brief.langs["contact_person"] == ("nl", "sv")


def test_untranslated_fields_are_named_per_language():
    brief = parse_brief(_two_languages())
    assert brief.for_lang("nl").untranslated == ()
    swedish = brief.for_lang("sv").untranslated
    assert "contact_person" not in swedish and "audience" not in swedish and "stops_doing" not in swedish
    assert {"purpose", "changes"} <= set(swedish)  # plain Dutch text
    assert "contact_person" in brief.for_lang("en").untranslated  # a map without English falls back


def test_a_plain_value_in_another_language_is_untranslated_but_a_bare_name_is_not():
    data = example("sv")
    data["contact_person"] = "Mark Jansen, teamleider klantenservice"
    data["author"] = "Maria Ekström"
    brief = parse_brief(data).for_lang("sv")
    assert brief.untranslated == ("contact_person",)
    assert written_in("Mark Jansen, teamleider klantenservice", "contact_person") == "nl"
    assert written_in("Sanne de Vries", "contact_person") is None


def test_load_brief_resolves_for_the_language_asked(tmp_path):
    path = tmp_path / "brief.yaml"
    path.write_text(yaml.safe_dump(_two_languages(), allow_unicode=True, default_flow_style=False), encoding="utf-8")
    assert load_brief(path, "sv").contact_person.startswith("Sanne de Vries, gruppchef")
    assert load_brief(path).contact_person.endswith("teamleider klantenservice")
    again = parse_brief(brief_to_dict(load_brief(path)))
    assert again.for_lang("sv").audience == "Handläggare i telefonkundtjänsten"


def test_each_languages_value_is_validated_and_named():
    data = _two_languages()
    data["contact_person"] = {"nl": "Sanne", "sv": "x" * 400}
    with pytest.raises(BriefError) as error:
        parse_brief(data, "en")
    assert error.value.problems[0][0] == "contact_person" and "Svenska" in error.value.problems[0][1]
    data = _two_languages()
    data["address"] = {"nl": "du"}
    with pytest.raises(BriefError) as error:
        parse_brief(data, "en")
    assert error.value.problems == [("address", "Nederlands: Choose one of: je, u.")]


def test_a_map_fills_a_required_field_in_any_language():
    data = example("en")
    data["purpose"] = {"sv": "Kunderna väntar för länge i telefon."}
    brief = parse_brief(data)
    assert brief.purpose == "Kunderna väntar för länge i telefon."
    assert "purpose" in brief.for_lang("en").untranslated


def test_with_value_makes_a_map_only_for_a_second_language():
    assert with_value("contact_person", "Sanne, teamleider", "nl", "Sanne, coach", "nl") == "Sanne, coach"
    two = with_value("contact_person", "Sanne, teamleider", "sv", "Sanne, gruppchef", "nl")
    assert two == {"nl": "Sanne, teamleider", "sv": "Sanne, gruppchef"}
    assert value_in("contact_person", two, "sv", "nl") == "Sanne, gruppchef"
    assert value_in("contact_person", "Sanne, teamleider", "sv", "nl") is None
    assert with_value("contact_person", two, "sv", "", "nl") == "Sanne, teamleider"
    assert with_value("address", "u", "sv", "ni", "nl") == {"nl": "u", "sv": "ni"}


class _NoHits:
    def search(self, query, lang=None, k=5):
        return []


def test_swedish_survey_with_a_dutch_contact_person_warns_and_names_the_field():
    data = example("sv")
    data["contact_person"] = "Mark Jansen, teamleider klantenservice"
    survey = drafting.draft("survey", parse_brief(data), lang="sv", retriever=_NoHits())
    _ = translator("sv")
    assert "Kontakta Mark Jansen, teamleider klantenservice" in survey.text
    notice = next(n for n in survey.notices if _("Contact person") in n)
    assert notice.startswith("En del text från beskrivningen")
    language = [f for f in survey.checks if f.check == "language"]
    assert any("teamleider klantenservice" in f.where and "nederländska" in f.message for f in language)


def test_the_swedish_value_is_used_and_nothing_warns():
    data = example("sv")
    data["contact_person"] = {"nl": "Mark Jansen, teamleider klantenservice", "sv": "Mark Jansen, gruppchef"}
    survey = drafting.draft("survey", parse_brief(data), lang="sv", retriever=_NoHits())
    assert "Kontakta Mark Jansen, gruppchef" in survey.text
    assert survey.notices == []
    assert [f for f in survey.checks if f.check == "language"] == []


def test_only_the_fields_a_draft_quotes_are_named():
    brief = parse_brief(example("nl")).for_lang("sv")
    text = "Har du frågor? Kontakta Sanne de Vries, teamleider klantenservice. Vi börjar den 1 mars."
    assert quoted_fields(brief, text) == ("contact_person",)
    assert quoted_fields(brief, "Snart börjar vi: na elk gesprek de notities zelf uittypen slipper du.") == \
        ("stops_doing",)
    assert quoted_fields(brief, "Inget från beskrivningen här.") == ()


def test_an_english_entry_in_the_address_map_is_ignored():
    data = example("en")
    data["address"] = {"en": "formal", "sv": "ni"}
    brief = parse_brief(data)
    assert (brief.register("sv"), brief.register("en"), brief.register("nl")) == ("ni", "formal", "u")
