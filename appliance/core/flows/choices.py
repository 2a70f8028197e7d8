"""Reading free text as the choice of a buttons question: by number, label, synonyms, yes/no and facts.

A visitor types "vale", "por correo", "mi correo es ana@x.es" or "prefiero que vengáis a casa"
where the widget shows buttons. Every option that the text names counts:

- its number ("2"), its id, or one of its labels in any language, said alone or inside the text;
- one of the synonyms the flow declares for it (per language; all languages are read);
- for a yes/no question, agreeing or refusing words ("sí, vale", "ok", "ara no", "no, mejor no");
- a fact of the same name the text states: an e-mail address chooses the option ``email``, a phone
  number the option ``phone`` (the engine also keeps the address itself).

One option named: it is chosen. Several: the visitor is asked which. None: the options are shown.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from appliance.core.flows.schema import ButtonsBlock, Option
from appliance.core.flows.texts import pick
from appliance.core.understanding.replies import polarity, says_dont_know


def _words(block: str) -> list[str]:
    return block.split()


# Option ids and first words of labels that mark an option as agreeing or refusing.
_YES_WORDS = frozenset({"yes", "si", "sim", "ok", "okay", "accept", "agree", "true", "vale", "claro"})
_NO_WORDS = frozenset({"no", "nao", "not", "decline", "refuse", "false", "never"})
# Label words too common to tell options apart ("Por la mañana" / "Por la tarde").
_COMMON = frozenset(
    _words("""para pela pelo with from your mine mejor millor melhor better quiero vull quero want gracias
    gracies obrigado obrigada thanks mais more menos less otro altre outro other solo nomes just only busco
    busca need necesito preciso necessito tengo tenho tinc have also tambien tambe tambem antes abans before
    despues despres depois after""")
)


@dataclass(frozen=True)
class Choice:
    """What free text chose: one option, the options it could not tell apart, or nothing."""

    chosen: str | None = None
    tied: tuple[str, ...] = ()


def choose(block: ButtonsBlock, text: str, facts: Mapping[str, Any] | None = None) -> Choice:
    """Return the option of ``block`` that ``text`` names, or the options it names equally."""
    said = simplify(text)
    if not said:
        return Choice()
    exact = _exact(block, said)
    if exact:
        return Choice(exact)
    named = _by_words(block, said)
    named += [o.id for o in block.options if (facts or {}).get(o.id) not in (None, "")]
    yes_or_no = _is_yes_or_no(block)
    if yes_or_no and not says_dont_know(text):
        named += _by_polarity(block, text)
    if not named and not yes_or_no:
        # A yes/no question (a consent above all) is answered explicitly, never by a stray word.
        named = _by_distinct_words(block, said)
    found = tuple(dict.fromkeys(named))
    return Choice(found[0]) if len(found) == 1 else Choice(tied=found)


def option_labels(block: ButtonsBlock, ids: Sequence[str], language: str) -> str:
    """Return the options' labels in the visitor's language, as a list to read: «A», «B» o «C»."""
    opening, closing = ("“", "”") if language == "en" else ("«", "»")
    return listed(
        [f"{opening}{pick(o.label, language, language)}{closing}" for o in block.options if o.id in ids], language
    )


def listed(items: Sequence[str], language: str) -> str:
    """Return items as a sentence lists alternatives: "A, B o C", "A ou B", "A or B"."""
    joiner = {"pt": " ou ", "en": " or "}.get(language, " o ")
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + joiner + items[-1]


def simplify(text: str) -> str:
    """Lowercase, drop accents, emojis and punctuation, squeeze spaces: for lenient matching."""
    plain = unicodedata.normalize("NFKD", text.lower())
    plain = "".join(ch for ch in plain if not unicodedata.combining(ch))
    return " ".join(re.sub(r"[^a-z0-9]+", " ", plain).split())


def _exact(block: ButtonsBlock, said: str) -> str | None:
    if said.isdigit() and 1 <= int(said) <= len(block.options):
        return block.options[int(said) - 1].id
    for option in block.options:
        if said in {simplify(option.id), *map(simplify, option.label.values())}:
            return option.id
    return None


def _by_words(block: ButtonsBlock, said: str) -> list[str]:
    """Return the options whose label or synonym the reply says, the longer phrase winning.

    "no acepto" says the synonym "acepto" of yes inside the synonym "no acepto" of no: only the
    longer phrase, which holds the shorter, counts.
    """
    spans = {o.id: _spans(o, said) for o in block.options}
    found = []
    for option_id, own in spans.items():
        others = [span for other, theirs in spans.items() if other != option_id for span in theirs]
        if any(not any(_inside(span, wider) for wider in others) for span in own):
            found.append(option_id)
    return found


def _spans(option: Option, said: str) -> list[tuple[int, int]]:
    """Return where in the reply each label or synonym of ``option`` is said."""
    padded = f" {said} "
    phrases = {simplify(label) for label in option.label.values()} | {simplify(s) for s in _all(option.synonyms)}
    # An id is a word the visitor may use too ("email", "showroom"), unless it is as short or as
    # common as "no", which also starts "no lo sé".
    plain_id = simplify(option.id.replace("_", " "))
    if len(plain_id) >= 4 and plain_id not in _YES_WORDS | _NO_WORDS:
        phrases.add(plain_id)
    spans = [(m.start(), m.start() + len(p)) for p in phrases if p for m in re.finditer(re.escape(f" {p} "), padded)]
    labels = [simplify(label) for label in option.label.values()]
    if not spans and any(_contains(said, label) for label in labels):
        spans.append((0, len(padded)))
    return spans


def _inside(span: tuple[int, int], wider: tuple[int, int]) -> bool:
    return wider[0] <= span[0] and span[1] <= wider[1] and span != wider


def _contains(said: str, label: str) -> bool:
    if not label or not said:
        return False
    # A short reply counts only as a label's first word ("si" for "Si, de acuerdo"), never inside it.
    return (
        f" {label} " in f" {said} "
        or f"{label} ".startswith(f"{said} ")
        or (len(said) >= 3 and f" {said} " in f" {label} ")
    )


def _is_yes_or_no(block: ButtonsBlock) -> bool:
    """Tell whether one option of ``block`` agrees and another refuses."""
    sides = {_side(block, o) for o in block.options}
    return block.consent is not None or {"yes", "no"} <= sides


def _by_polarity(block: ButtonsBlock, text: str) -> list[str]:
    """Return the option that agrees or refuses as the reply does, on a yes/no question."""
    said = polarity(text)
    return [o.id for o in block.options if said is not None and _side(block, o) == said]


def _side(block: ButtonsBlock, option: Option) -> str | None:
    if block.consent is not None and len(block.options) == 2:
        return "yes" if option.id == block.consent.grant_option else "no"
    words = {simplify(option.id)} | {(simplify(label).split() or [""])[0] for label in option.label.values()}
    if words & _YES_WORDS:
        return "yes"
    return "no" if words & _NO_WORDS else None


def _by_distinct_words(block: ButtonsBlock, said: str) -> list[str]:
    """Return the options one of whose label words (and only theirs) the reply uses ("per telèfon")."""
    owners: dict[str, set[str]] = {}
    for option in block.options:
        for label in option.label.values():
            for word in simplify(label).split():
                if len(word) >= 4 and word not in _COMMON:
                    owners.setdefault(word, set()).add(option.id)
    words = set(said.split())
    return [next(iter(ids)) for word, ids in owners.items() if len(ids) == 1 and word in words]


def _all(synonyms: Mapping[str, Iterable[str]] | None) -> list[str]:
    return [s for words in (synonyms or {}).values() for s in words]
