"""Detect which of the four supported languages a visitor message is written in.

Chat messages are short and full of shared words, so the detector first counts
lexical cues (function words, greetings, spelling such as "ñ", "ç", "l·l", "ão") and
only asks lingua's statistical models when the cues do not settle it. Very short
messages ("hola", "ok", "bon dia") are decided by cues alone or fall back to the
store's language, because no model can tell them apart reliably.
"""

from __future__ import annotations

import gc
import re
import threading
from typing import Any

from .language_words import LEXICON
from .normalise import clean, fold, tokens

LANGUAGES: tuple[str, ...] = ("es", "ca", "pt", "en")

# Below this many words a message is too short for the statistical model (it said "en"
# for "Orçamento: de 10.000 a 15.000€"), so cues alone decide.
_MIN_WORDS_FOR_MODEL = 4
# A lexical lead this large is trusted without consulting the model.
_CLEAR_LEAD = 2.0
# How much the model's confidence (0..1) counts against one lexical cue.
_MODEL_WEIGHT = 1.5

_NOISE_RE = re.compile(r"\S+@\S+|https?://\S+|www\.\S+|[\d+()€$£%:/.,\-]+")

# Letters and marks that only some of the languages write.
_CHAR_CUES: tuple[tuple[str, dict[str, float]], ...] = (
    ("ñ", {"es": 1.0}),
    ("¿", {"es": 1.0}),
    ("¡", {"es": 1.0}),
    ("ã", {"pt": 1.0}),
    ("õ", {"pt": 1.0}),
    ("ê", {"pt": 1.0}),
    ("ô", {"pt": 1.0}),
    ("â", {"pt": 1.0}),
    ("l·l", {"ca": 1.0}),
    ("ò", {"ca": 1.0}),
    ("è", {"ca": 1.0}),
    ("ï", {"ca": 1.0}),
    ("ç", {"ca": 0.5, "pt": 0.5}),
    ("à", {"ca": 0.5, "pt": 0.5}),
)

# Word endings typical of one language, used only for words missing from the lexicon.
_SUFFIX_CUES: tuple[tuple[str, str], ...] = (
    ("ciones", "es"),
    ("cion", "es"),
    ("sion", "es"),
    ("cions", "ca"),
    ("cio", "ca"),
    ("coes", "pt"),
    ("cao", "pt"),
    ("tions", "en"),
    ("tion", "en"),
    ("ing", "en"),
    ("dades", "pt"),
    ("dade", "pt"),
    ("dad", "es"),
    ("tats", "ca"),
    ("tat", "ca"),
    ("eiro", "pt"),
    ("eira", "pt"),
    ("nho", "pt"),
    ("nha", "pt"),
    ("lho", "pt"),
    ("lha", "pt"),
    ("aje", "es"),
    ("atge", "ca"),
    ("agem", "pt"),
)

_FOLDED: dict[str, tuple[str, ...]] = {}
for _word, _langs in LEXICON.items():
    _merged = list(_FOLDED.get(fold(_word), ()))
    _merged += [lang for lang in _langs if lang not in _merged]
    _FOLDED[fold(_word)] = tuple(_merged)

_detector: Any = None
_detector_lock = threading.Lock()


def detect_language(text: str, default: str = "es") -> str:
    """Return "es", "ca", "pt" or "en" for the text, or the default when it cannot be told."""
    default = default if default in LANGUAGES else "es"
    text = _NOISE_RE.sub(" ", clean(text))
    words = tokens(text)
    scores = lexical_scores(text, words)
    if len(words) < _MIN_WORDS_FOR_MODEL:
        return _pick(scores, default)
    ranked = sorted(scores.values(), reverse=True)
    if ranked[0] - ranked[1] >= _CLEAR_LEAD:
        return _pick(scores, default)
    for language, confidence in model_confidences(text).items():
        scores[language] += _MODEL_WEIGHT * confidence
    return _pick(scores, default)


def lexical_scores(text: str, words: list[str] | None = None) -> dict[str, float]:
    """Return a score per language from the lexical and spelling cues in the text."""
    scores = dict.fromkeys(LANGUAGES, 0.0)
    lowered = text.lower()
    for mark, votes in _CHAR_CUES:
        if mark in lowered:
            for language, vote in votes.items():
                scores[language] += vote
    for word in tokens(text) if words is None else words:
        for language, vote in _word_votes(word).items():
            scores[language] += vote
    return scores


def _word_votes(word: str) -> dict[str, float]:
    """Return the votes one word gives, splitting compounds and elisions when needed."""
    langs = LEXICON.get(word) or _FOLDED.get(fold(word))
    if langs:
        return {language: 1.0 / len(langs) for language in langs}
    if re.match(r"^[dlmnst]'[^\W\d_]", word):
        # Elided articles and pronouns ("d'aquí", "l'any", "m'agradaria") are Catalan.
        return {"ca": 1.0}
    if re.search(r"'(s|d|re|ve|ll|m)$|n't$", word):
        return {"en": 1.0}
    if "-" in word or "'" in word:
        return _sum_votes(re.split(r"['\-]", word))
    return _suffix_votes(fold(word))


def _sum_votes(parts: list[str]) -> dict[str, float]:
    """Return the summed votes of the parts of a compound word."""
    total: dict[str, float] = {}
    for part in parts:
        for language, vote in _word_votes(part).items() if part else ():
            total[language] = total.get(language, 0.0) + vote
    return total


def _suffix_votes(word: str) -> dict[str, float]:
    """Return half a vote for a language when an unknown word has one of its typical endings."""
    if len(word) < 5:
        return {}
    for suffix, language in _SUFFIX_CUES:
        if word.endswith(suffix):
            return {language: 0.5}
    return {}


def _pick(scores: dict[str, float], default: str) -> str:
    """Return the best-scoring language, preferring the default on a tie or when nothing scored."""
    best = max(scores.values())
    if best <= 0 or scores[default] >= best - 1e-9:
        return default
    return next(language for language in LANGUAGES if scores[language] >= best - 1e-9)


def model_confidences(text: str) -> dict[str, float]:
    """Return lingua's confidence per language for the text (0 for all when lingua has no opinion)."""
    detector = _get_detector()
    result = dict.fromkeys(LANGUAGES, 0.0)
    for item in detector.compute_language_confidence_values(text):
        code = item.language.iso_code_639_1.name.lower()
        if code in result:
            result[code] = float(item.value)
    return result


def _get_detector() -> Any:
    """Return the lingua detector for the four languages, building it once per process."""
    global _detector
    if _detector is None:
        with _detector_lock:
            if _detector is None:
                _detector = _build_detector()
    return _detector


def _build_detector() -> Any:
    """Build a low-accuracy lingua detector restricted to Spanish, Catalan, Portuguese and English."""
    from lingua import Language, LanguageDetectorBuilder

    languages = (Language.SPANISH, Language.CATALAN, Language.PORTUGUESE, Language.ENGLISH)
    detector = (
        LanguageDetectorBuilder.from_languages(*languages)
        .with_low_accuracy_mode()
        .with_preloaded_language_models()
        .build()
    )
    # The models are millions of long-lived Python objects. Freezing them moves them out
    # of the garbage collector's reach; otherwise every full collection rescans them and
    # stalls whichever chat turn triggered it by about 4 ms (the p99 in bench/nlu.py).
    gc.collect()
    gc.freeze()
    return detector


def warm_up() -> None:
    """Load the statistical models now, so the first visitor does not wait for them."""
    _get_detector()
