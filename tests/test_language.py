"""Language detection restricted to nl/sv/en, offline."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from toolkit.language import detect_language, language_confidences, language_shares


@pytest.mark.parametrize(("text", "expected"), [
    ("Vanaf maandag helpt de assistent je met vragen van klanten.", "nl"),
    ("Ik weet waar ik terechtkan.", "nl"),
    ("Från måndag hjälper assistenten dig med kundernas frågor.", "sv"),
    ("Jag vet vem jag kan fråga.", "sv"),
    ("From Monday the assistant helps you answer customer questions.", "en"),
    ("I know who to ask.", "en"),
])
def test_short_realistic_sentences(text, expected):
    assert detect_language(text) == expected


@pytest.mark.parametrize("text", ["OK", "AI", "", "   ", "2027 [1] 98%", "https://example.org/x"])
def test_too_short_or_no_language_gives_none(text):
    assert detect_language(text) is None


def test_citation_marks_and_numbers_do_not_confuse():
    assert detect_language("Klanten wachten 4.000 keer per week te lang [1] [2].") == "nl"


def test_confidences_sum_to_one_and_cover_three_languages():
    values = language_confidences("Hur mår du idag?")
    assert set(values) == {"nl", "sv", "en"}
    assert sum(values.values()) == pytest.approx(1.0)
    assert max(values, key=values.get) == "sv"


def test_language_shares_of_a_mixed_text():
    shares = language_shares("Vanaf maandag helpt de assistent je met vragen van klanten.\n\n"
                             "From Monday the assistant helps you answer questions.\nOK")
    assert set(shares) == {"nl", "en", "unknown"}
    assert shares["nl"] > shares["en"] > shares["unknown"] > 0
    assert sum(shares.values()) == pytest.approx(1.0)
    assert language_shares("") == {}


def test_detector_is_shared_and_thread_safe():
    texts = ["Ik begrijp waarom we dit doen.", "Jag förstår varför vi gör det här.",
             "I understand why we are doing this."] * 4
    with ThreadPoolExecutor(max_workers=6) as pool:
        results = list(pool.map(detect_language, texts))
    assert results == ["nl", "sv", "en"] * 4
