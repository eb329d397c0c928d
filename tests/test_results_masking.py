"""Masking of open answers: e-mail addresses, phone numbers and known names never reach a quote."""

from __future__ import annotations

from datetime import date

import pytest

from toolkit.brief import Brief
from toolkit.results.masking import has_identifiers, mask, names_from_brief, placeholders


def brief(contact: str, author: str = "") -> Brief:
    return Brief(organisation="Acme Zorg", ai_tool="Aria", purpose="Sneller helpen.", changes=["Aria stelt voor"],
                 stops_doing=["Zoeken"], start_date=date(2027, 3, 1), audience="Klantenservice", team_size=40,
                 contact_person=contact, tone="informal", author=author)


def test_email_addresses_are_masked_in_the_reports_language():
    assert mask("Mail sanne.de-vries+ai@acme-zorg.nl of info@acme.co.uk.", lang="nl") == \
        "Mail [e-mailadres] of [e-mailadres]."
    assert mask("Skriv till anna@firma.se", lang="sv") == "Skriv till [e-postadress]"


@pytest.mark.parametrize("number", ["06-12345678", "06 1234 5678", "0612345678", "+31 6 1234 5678",
                                    "+31 (0)20 123 4567", "0031 20 123 4567", "020-1234567", "(020) 123 4567"])
def test_dutch_phone_numbers_are_masked(number):
    assert mask(f"Bel me op {number}, graag.", lang="nl") == "Bel me op [telefoonnummer], graag."


@pytest.mark.parametrize("number", ["070-123 45 67", "0701234567", "+46 70 123 45 67", "+46701234567",
                                    "08-123 456 78", "0046 8 123 456 78"])
def test_swedish_phone_numbers_are_masked(number):
    assert mask(f"Ring {number} i morgon.", lang="sv") == "Ring [telefonnummer] i morgon."


def test_two_numbers_in_a_row_and_a_reference_before_a_number_are_all_masked():
    assert mask("06-12345678 06 87654321", lang="en") == "[phone number] [phone number]"
    assert mask("ref 2027 0612345678", lang="en") == "ref 2027 [phone number]"


def test_dates_amounts_and_percentages_stay():
    text = "Op 01-03-2027 om 10.00 uur: 40 procent, 12.500 euro, week 2027-09."
    assert mask(text, lang="nl") == text


def test_names_are_masked_as_whole_words_also_first_name_and_surname_alone():
    text = "Sanne zei tegen SANNE DE VRIES dat de Vries en Vries het wisten; Sannes team ook. Sannetje niet."
    masked = mask(text, ["Sanne de Vries"], lang="nl")
    assert masked == "[naam] zei tegen [naam] dat [naam] en [naam] het wisten; [naam] team ook. Sannetje niet."


def test_names_from_brief_picks_people_not_roles():
    assert names_from_brief(brief("Sanne de Vries (teamleider)", author="Per af Klint")) == \
        ["Sanne de Vries", "Per af Klint"]
    assert names_from_brief(brief("je teamleider")) == []
    assert names_from_brief(brief("HR-servicedesk, hr@acme.nl")) == []
    assert names_from_brief(brief("Teamleider Anna Svensson")) == ["Anna Svensson"]


def test_a_masked_brief_name_reaches_no_text():
    known = names_from_brief(brief("Anna Svensson, chef"))
    assert mask("Anna sa att Svensson ringer på 070-123 45 67.", known, lang="sv") == \
        "[namn] sa att [namn] ringer på [telefonnummer]."


def test_placeholders_exist_in_every_language():
    for lang in ("en", "nl", "sv"):
        assert set(placeholders(lang)) == {"name", "email", "phone"}


def test_leftover_identifiers_are_detected():
    assert has_identifiers("mijn personeelsnummer is 123456")
    assert has_identifiers("stuur naar jan at acme @ nl")
    assert not has_identifiers("De training was te kort (2 uur).")
