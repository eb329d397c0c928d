"""Language detection restricted to the toolkit's languages (Dutch, Swedish, English), fully offline.

Uses `lingua` (models ship inside the wheel; nothing is downloaded). The detector is built once, lazily,
under a lock; detection itself is safe to call from several threads.
"""

from __future__ import annotations

import re
import threading

from lingua import Language, LanguageDetector, LanguageDetectorBuilder

CODES: dict[Language, str] = {Language.DUTCH: "nl", Language.SWEDISH: "sv", Language.ENGLISH: "en"}
MIN_LETTERS = 6  # fewer letters than this (e.g. "OK", "AI") is too short to tell
MIN_CONFIDENCE = 0.5  # the winner's confidence must reach this ...
MIN_MARGIN = 0.15  # ... and lead the runner-up by at least this much

_detector: LanguageDetector | None = None
_lock = threading.Lock()

# Things that carry no language signal: citation marks, URLs, e-mail addresses, numbers.
_NOISE = re.compile(r"\[\d+\]|https?://\S+|www\.\S+|\S+@\S+|\d+(?:[.,:]\d+)*")


def detector() -> LanguageDetector:
    """The shared detector for nl/sv/en, built on first use."""
    global _detector
    if _detector is None:
        with _lock:
            if _detector is None:
                _detector = LanguageDetectorBuilder.from_languages(*CODES).build()
    return _detector


def _clean(text: str) -> str:
    return " ".join(_NOISE.sub(" ", text or "").split())


def _letters(text: str) -> int:
    return sum(ch.isalpha() for ch in text)


def language_confidences(text: str) -> dict[str, float]:
    """Confidence per language code ("nl", "sv", "en"), summing to 1; empty when there is nothing to judge."""
    cleaned = _clean(text)
    if not _letters(cleaned):
        return {}
    values = detector().compute_language_confidence_values(cleaned)
    return {CODES[v.language]: float(v.value) for v in values}


def detect_language(text: str) -> str | None:
    """Return "nl", "sv" or "en" for `text`, or None when it is too short or unclear to tell."""
    cleaned = _clean(text)
    if _letters(cleaned) < MIN_LETTERS:
        return None
    ranked = sorted(language_confidences(cleaned).items(), key=lambda kv: kv[1], reverse=True)
    if not ranked:
        return None
    best, best_value = ranked[0]
    runner_up = ranked[1][1] if len(ranked) > 1 else 0.0
    if best_value < MIN_CONFIDENCE or best_value - runner_up < MIN_MARGIN:
        return None
    return best


def language_shares(text: str) -> dict[str, float]:
    """Share of the text's letters per detected language, judged paragraph by paragraph (or line by line).

    Parts that cannot be told apart count as "unknown". Shares sum to 1; empty text gives {}.
    """
    parts = [p for p in re.split(r"\n\s*\n|\n", text or "") if p.strip()]
    counts: dict[str, int] = {}
    for part in parts:
        letters = _letters(_clean(part))
        if not letters:
            continue
        code = detect_language(part) or "unknown"
        counts[code] = counts.get(code, 0) + letters
    total = sum(counts.values())
    return {code: n / total for code, n in counts.items()} if total else {}
