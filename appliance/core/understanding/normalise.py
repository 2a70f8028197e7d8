"""Normalise visitor text: fold accents and case, drop emojis, tokenise, correct typos."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

# Punctuation that people type in many shapes; one canonical form keeps the patterns simple.
_PUNCT_MAP = str.maketrans(
    {
        "\u2019": "'",
        "\u2018": "'",
        "`": "'",
        "\u00b4": "'",
        "\u2013": "-",
        "\u2014": "-",
        "\u2212": "-",
        "\u00d7": "x",
        "\u00a0": " ",
        "\u202f": " ",
        "\u2009": " ",
        "\u00b7": "·",
        "\u2022": " ",
    }
)

# Symbols (emojis, pictographs, dingbats) carry no field and would only split or glue words.
_EMOJI_RE = re.compile(
    "[\U0001f000-\U0001faff\U00002600-\U000027bf\U0000fe00-\U0000fe0f\U0001f1e6-\U0001f1ff\u200d\u2b50\u2b55]"
)
_TOKEN_RE = re.compile(r"[^\W\d_]+(?:['·\-][^\W\d_]+)*", re.UNICODE)


def clean(text: str) -> str:
    """Return the text with canonical punctuation and spaces, and without emojis."""
    text = unicodedata.normalize("NFC", text).translate(_PUNCT_MAP)
    return _EMOJI_RE.sub(" ", text)


@lru_cache(maxsize=4096)
def fold(text: str) -> str:
    """Return the text lowercased and without diacritics ("Nórdico" → "nordico").

    Only combining marks are removed, so "€", "²" and "£" survive, and the length
    of the text stays the same for precomposed letters.
    """
    decomposed = unicodedata.normalize("NFD", text.lower())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", stripped)


def tokens(text: str) -> list[str]:
    """Split lowercase text into words, keeping inner apostrophes and hyphens ("d'aquí", "walk-in")."""
    return _TOKEN_RE.findall(text.lower())


def deletions(word: str) -> set[str]:
    """Return every string made by deleting one character from the word."""
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


class TypoFixer:
    """Correct single-edit typos ("cocna", "minimalsta") towards a fixed vocabulary.

    It uses the symmetric-deletion trick: two words are at most one edit apart when
    one equals a deletion of the other or they share a deletion. Only words of six
    letters or more are corrected (five when a letter is simply missing), because
    shorter words collide with real words.
    """

    def __init__(self, vocabulary: Iterable[str], known: Iterable[str] = ()) -> None:
        self._words = frozenset(vocabulary)
        self._known = frozenset(known) | self._words
        self._by_deletion: dict[str, str] = {}
        for word in sorted(self._words):
            for variant in deletions(word) | {word}:
                self._by_deletion.setdefault(variant, word)

    def correct(self, word: str) -> str:
        """Return the vocabulary word one typo away from the word, or the word itself."""
        if len(word) < 5 or word in self._known or not word.isalpha():
            return word
        if word in self._by_deletion:
            return self._by_deletion[word]
        if len(word) < 6:
            # Five letters: only a missing letter is trusted ("cocna"); other edits hit real words.
            return word
        for variant in deletions(word):
            if variant in self._by_deletion:
                return self._by_deletion[variant]
        return word

    def fix_text(self, text: str) -> str:
        """Return the folded text with each typo'd vocabulary word replaced by its right spelling."""
        return _WORD_RE.sub(lambda m: self.correct(m.group(0)), text)


_WORD_RE = re.compile(r"[a-z]{5,}")
