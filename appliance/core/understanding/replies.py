"""Read short replies to a question: yes or no ("sí, vale", "ara no"), and "I don't know".

Both read the four languages at once: the words barely collide ("no" is no in Spanish, Catalan and
English alike), and a visitor who answers in another language than the bot's is still understood.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .normalise import fold

# Phrases that contain a "no" but say yes; read first so the "no" inside does not count.
_YES_DESPITE_NO = (
    r"no (?:hay |hi ha |ha )?(?:ningun |cap )?problema|no problem|sem problema|cap problema|"
    r"(?:por|per) (?:que|qu[eè]) no|porque nao|porque no|why not|no te preocupes|no worries|"
    r"no em sap greu|no me importa|no m'importa|nao me importo|i don't mind|no veo por que no|no pasa nada|"
    r"no passa res|nao faz mal"
)
_YES = (
    r"si|sii+|sip|sim|yes|yeah|yep|yup|ok|okay|okey|oki|vale|valeee*|claro|clar|clar que si|"
    r"perfecto|perfecte|perfeito|perfect|sure|fine|great|genial|adelante|endavant|avante|"
    r"de acuerdo|d'acord|dacord|d acord|estoy de acuerdo|hi estic d'acord|concordo|de acordo|esta bien|"
    r"me parece bien|em sembla be|me parece perfecto|parece-me bem|parece bem|tudo bem|ta bom|esta bom|"
    r"acepto|accepto|aceito|aceptar|acceptar|aceitar|agree|i agree|accept|of course|por supuesto|"
    r"per descomptat|com certeza|certo|certamente|pode ser|puede ser|pot ser|go ahead|alright|all right|"
    r"dale|venga|va be|entesos|correcte|correcto|correct|exacto|exacte|exato|"
    r"that's fine|thats fine|fine by me|sounds good|let's go|vamos|som-hi|endavant|sisi|si si"
)
_NO = (
    r"no|nope|nah|nao|nunca|mai|jamas|never|not|no thanks|no thank you|no gracias|no gracies|"
    r"nao obrigad[oa]|mejor no|millor no|melhor nao|prefiero que no|prefereixo que no|prefiro que nao|"
    r"ara no|ahora no|agora nao|not now|de momento no|de moment no|por agora nao|ni hablar|ni parlar|"
    r"rather not|i'd rather not|i would rather not|don't|dont|do not|negativo|en absoluto|de cap manera"
)
# Replies that say the visitor did not understand the question: neither a yes nor a no.
_NEITHER = (
    r"no (?:lo |te |t'|le )?entiendo|no ho entenc|no t'entenc|no l'entenc|nao (?:percebo|percebi|entendo|entendi)|"
    r"(?:i )?(?:don't|dont|do not|didn't|did not) (?:understand|get it)|what do you mean|que quieres decir|"
    r"que vol dir|o que quer dizer|no se (?:a )?que|como que"
)
# Greetings a reply may start with before its yes or no ("Hola, sí").
_GREETING = r"^(?:(?:hola|ola|hi|hello|hey|buenas|bon dia|bona tarda|bom dia|boa tarde|buenos dias|good morning)\s*)+"
_DONT_KNOW = (
    r"no (?:lo |ho |el |la )?(?:se|sabemos|sabria|sabem|sabria dir|tengo ni idea|tinc ni idea|"
    r"estoy segur[oa]|estic segur[a]?|lo tengo claro|ho tinc clar|tengo claro|tinc clar)|"
    r"ni idea|n(?:i|o) puta idea|ni zorra|sin idea|"
    r"nao (?:o )?sei|nao sabemos|nao faco ideia|nao tenho (?:a certeza|ideia)|sei la|nem ideia|"
    r"(?:i )?(?:don't|dont|do not) know|(?:i'm |im |i am )?not sure|no idea|(?:i )?have no idea|"
    r"dunno|no clue|(?:i'm |im )?unsure|idk|ns|nose|nidea|"
    r"(?:aun|encara|ainda) no (?:lo |ho )?(?:se|sabem|sabemos)|ainda nao sei|"
    r"no estoy segur[oa]|no n'estic segur[a]?|nao tenho certeza|no tinc ni idea"
)


def _phrases(pattern: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w'])(?:{pattern})(?![\w'])")


_YES_DESPITE_NO_RE = _phrases(_YES_DESPITE_NO)
_YES_RE = _phrases(_YES)
_NO_RE = _phrases(_NO)
_DONT_KNOW_RE = _phrases(_DONT_KNOW)
_NEITHER_RE = _phrases(_NEITHER)
_GREETING_RE = re.compile(_GREETING)
# A yes or a no counts when the reply starts with it, or when the reply is this short ("ara no");
# a "no" further inside a longer sentence ("quiero una cocina, no muy grande") is no answer.
_SHORT = 3
# A reply longer than this is a sentence about something else, not a yes, a no or "I don't know".
_MAX_WORDS = 9


@lru_cache(maxsize=2048)
def _plain(text: str) -> str:
    """Return the text folded, with its punctuation (but apostrophes) turned into spaces."""
    folded = fold(text).replace("\u2019", "'")
    return " ".join(re.sub(r"[^\w'\-]+", " ", folded).split())


def says_dont_know(text: str) -> bool:
    """Tell whether a short reply says the visitor does not know ("no lo sé", "não sei", "not sure")."""
    plain = _plain(text)
    return 0 < len(plain.split()) <= _MAX_WORDS and bool(_DONT_KNOW_RE.search(plain))


def polarity(text: str) -> str | None:
    """Return "yes" or "no" for a short reply that agrees or refuses, or None (neither, both, or unsure)."""
    plain = _GREETING_RE.sub("", _plain(text)).strip()
    if not plain or len(plain.split()) > _MAX_WORDS or _DONT_KNOW_RE.search(plain) or _NEITHER_RE.search(plain):
        return None
    plain = _YES_DESPITE_NO_RE.sub("yes", plain)
    yes, no = _YES_RE.search(plain), _NO_RE.search(plain)
    if bool(yes) == bool(no):
        return None
    found = yes or no
    assert found is not None
    if found.start() > 0 and len(plain.split()) > _SHORT:
        return None
    return "yes" if yes else "no"
