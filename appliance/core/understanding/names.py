"""Find the name a visitor gives ("Me llamo Laura García", "I'm Tom Baker", "sóc la Marta").

Two readers share one idea of what a name looks like:

- ``find_name`` reads any message and trusts only the usual ways of introducing oneself. After a
  plain "soy"/"sóc"/"sou"/"I'm"/"aquí" (which also start "soy de Madrid", "I'm looking for…") it
  needs the capital letter people write a name with; after "me llamo", "em dic", "chamo-me" or
  "my name is" it takes lower-case names too.
- ``read_name`` reads the answer to "what's your name?": the same introductions, or the bare name.

Both return the name capitalised as people write it ("laura garcía" → "Laura García", particles
such as "de", "da", "i" in lower case, "mcdonald" → "McDonald", "o'brien" → "O'Brien"), or None.
"""

from __future__ import annotations

import re

from .normalise import clean, fold
from .vocabulary import _split

# Introductions after which the name follows whatever its case ("me llamo laura").
_STRONG = (
    r"me llamo|mi nombre es|mi nombre|me puedes llamar|llamame|"
    r"em dic|el meu nom es|el meu nom|em diuen|"
    r"chamo-me|me chamo|eu chamo-me|o meu nome e|meu nome e|o meu nome|"
    r"my name is|my name's|my name|call me|name's|name is"
)
# Introductions that start other sentences too: the name must be written with a capital letter.
_WEAK = r"soy|soc|sou|i'm|i am|im|this is|it's|aqui|aqui es|aqui esta|aqui fala|here is|sono"
_INTRO_RE = re.compile(rf"(?<![\w'])(?:(?P<strong>{_STRONG})|(?P<weak>{_WEAK}))(?![\w'])\s*:?\s*")
# Articles people put before their own name in Catalan and Portuguese ("sóc la Marta", "sou o João").
_ARTICLES = frozenset({"la", "el", "en", "na", "o", "a", "l'"})
# Words that join the parts of a name and are written in lower case ("María de la Cruz", "Puig i Cadafalch").
_PARTICLES = frozenset(
    {"de", "del", "la", "las", "los", "da", "das", "do", "dos", "di", "du", "i", "y", "e", "van", "von", "der", "den"}
)
_WORD_RE = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*|[,.;:!?¡¿()\n/|]", re.UNICODE)
_MAX_WORDS = 5
# Common words that are never a person's name, in the four languages (folded). A name stops
# before them: "Soy Pedro y quiero una cocina" is Pedro.
_NOT_NAMES = frozenset(
    _split("""
    hola ola hello hi hey buenas buenos bon bona dia dias tardes noches tarda nit bom boa morning evening
    gracias gracies obrigado obrigada thanks thank please porfavor favor si no nao yes ok okay vale claro
    sim sure bueno pues well que qui quien com como cual quin what who how why porque perque because
    un una unos unas uns unes um uma uns umas an the el els les los las lo os as al als ao aos
    con amb com with para per pra for por en em in on at a o y e i and or ni nor mi meu minha my tu su seu
    your his her our nuestro nostre nosso this that este esta esto aquest aquesta isto isso here aqui alli
    quiero queria quisiera busco buscando buscamos necesito necesitamos tengo tenemos estoy estamos somos
    vull voldria volem busquem necessito tinc tenim estic estem som
    quero queria procuro procuramos preciso precisamos tenho temos estou estamos somos
    want wanted would like looking need needs have has got am are is was were be being just also
    interesado interesada interesados interessat interessada interessado interested cliente client
    customer nuevo nueva nou nova novo new vecino vecina veina vizinho neighbour owner propietario
    propietaria arquitecto arquitecta arquitecte arquiteto architect disenador disenadora dissenyador
    designer decorador decoradora interiorista contractor constructor reformas reformes obras
    cocina cocinas cuina cuines cozinha cozinhas kitchen kitchens armario armarios armari armaris
    roupeiro wardrobe wardrobes mueble muebles moble mobles movel moveis furniture closet bano bany
    presupuesto pressupost orcamento budget metros metres m2 euros euro eur mil
    sorry perdon perdona disculpa desculpe desculpa senor senora senyor senyora senhor senhora sir madam
    mr mrs ms dona don
    nombre nom nome name llamo dic chamo call called apellido cognom apelido surname
    prefiero prefereixo prefiro prefer rather saber sabe se sei know sure idea
    muy molt muito very much mucho poco mas mes mais more less
    escribiendo escrivint escrevendo writing llamando trucant ligando calling contacto contacte contacto
    correo correu email mail telefono telefon telefone phone whatsapp movil mobil
    me te se le nos em et es is it ens
    bien be bem good fine genial todo tot tudo everything igual nada
    nadie ningu ninguno ningun anonimo anonim anonymous private privado privat secreto secret paso pass skip
    omitir saltar nobody none nothing nada res nenhum ninguem
    hombre home mujer dona mulher man woman chico chica noi noia rapaz rapariga
    de del la da do dos das di du van von der den
    """)
)


def find_name(text: str) -> str | None:
    """Return the name a message introduces its writer by ("soy Pedro Ruiz, quiero…"), or None."""
    folded = fold(text)
    for match in _INTRO_RE.finditer(folded):
        weak = match.group("weak") is not None
        if weak and _shouts(text):
            continue
        name = _name_after(text, match.end(), need_capital=weak)
        if name:
            return name
    return None


def read_name(text: str) -> str | None:
    """Return the name in an answer to "what's your name?" (an introduction or the bare name), or None."""
    text = re.sub(r"\S+@\S+|\+?\d[\d\s().\-]*", " ", clean(text or "")).strip()
    folded = fold(text)
    for match in _INTRO_RE.finditer(folded):
        name = _name_after(text, match.end(), need_capital=False)
        if name:
            return name
    return _bare_name(text)


def _bare_name(text: str) -> str | None:
    """Return the whole reply as a name when it is one ("laura garcía", "Hola, Laura"), else None."""
    words = _WORD_RE.findall(text)
    while words and (words[0] in ",.;:!?¡¿" or fold(words[0]) in _GREETINGS):
        words.pop(0)
    while words and words[-1] in ",.;:!?¡¿()":
        words.pop()
    if not words or any(not w[0].isalpha() for w in words):
        return None
    parts = _name_words(words, need_capital=False)
    return _proper(parts) if parts and len(parts) == len(words) else None


_GREETINGS = frozenset(_split("hola ola hi hello hey buenas bon dia bom vale ok si sim yes pues bueno claro"))


def _name_after(text: str, start: int, need_capital: bool) -> str | None:
    """Return the name written from ``start`` of the original text, or None."""
    words = _WORD_RE.findall(text[start : start + 80])
    if words and fold(words[0]) in _ARTICLES and len(words) > 1:
        words = words[1:]
    parts = _name_words(words, need_capital)
    return _proper(parts) if parts else None


def _name_words(words: list[str], need_capital: bool) -> list[str]:
    """Return the leading words that make up a name, without a trailing particle."""
    parts: list[str] = []
    for word in words:
        folded = fold(word)
        if folded in _PARTICLES and parts:
            parts.append(word)
            continue
        if not _looks_like_a_name(word, folded, need_capital):
            break
        parts.append(word)
        if sum(fold(p) not in _PARTICLES for p in parts) == _MAX_WORDS:
            break
    while parts and fold(parts[-1]) in _PARTICLES:
        parts.pop()
    return parts


def _looks_like_a_name(word: str, folded: str, need_capital: bool) -> bool:
    if not word[0].isalpha() or not 2 <= len(word) <= 30 or folded in _NOT_NAMES:
        return False
    # "-ing" words follow "I'm" but are no names ("I'm looking"); a plain "soy" needs a capital.
    return not (folded.endswith("ing") or (need_capital and not word[0].isupper()))


def _shouts(text: str) -> bool:
    """Tell whether the text is written in capitals only, so capitals say nothing about names."""
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters)


def _proper(parts: list[str]) -> str:
    """Return the name's words capitalised as names are written."""
    shown = [_proper_word(word, first=i == 0) for i, word in enumerate(parts)]
    return " ".join(shown)


def _proper_word(word: str, first: bool) -> str:
    if not first and fold(word) in _PARTICLES:
        return word.lower()
    # A word written with its own inner capitals ("McDonald", "DiCaprio") is kept as written.
    if not word.isupper() and not word.islower() and not word.istitle():
        return word
    return re.sub(r"[^\W\d_]+", lambda m: _capital(m.group(0)), word.lower())


def _capital(piece: str) -> str:
    if len(piece) > 2 and piece.startswith("mc"):
        return "Mc" + piece[2].upper() + piece[3:]
    return piece[:1].upper() + piece[1:]
