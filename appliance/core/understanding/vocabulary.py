"""Recognise the project type and the style a visitor names, in any of the four languages.

Patterns run on folded text (lowercase, no accents) after typo correction, so "Cocna",
"NORDICO" and "clásica" all match their plain forms.
"""

from __future__ import annotations

import re

from .normalise import TypoFixer


def _split(block: str) -> tuple[str, ...]:
    """Return the whitespace-separated words of a block of text."""
    return tuple(block.split())


def _words(pattern: str) -> re.Pattern[str]:
    """Compile an alternation that only matches whole words."""
    return re.compile(rf"(?<![a-z])(?:{pattern})(?![a-z])")


_BATH = r"bano|banos|bany|banys|banho|casa de banho|casa-de-banho|banheiro|lavabo|lavabos|aseo|bathroom"
_LIVING = r"salon|menjador|sala|sala de estar|estar|tv|tele|televisio|television|televisao|comedor"
_KITCHEN = (
    r"cocinas?|cuinas?|cuines|cozinhas?|kitchens?|encimeras?|taulells?|bancadas?|worktops?|countertops?|"
    r"(?:armarios?|armaris|moduls?|modulos?|muebles?|mobles?|moveis|frentes?|puertas?|portes|portas)"
    r" (?:de|da|del|per a|para a|para la) (?:la |a )?(?:cocina|cuina|cozinha)|"
    r"(?:kitchen )?(?:units|fronts|cabinets|cupboards)(?= (?:for|in) the kitchen)|"
    r"(?:con|amb|com|with|una|uma|la|the|an|a|de|d') (?:isla|illa|ilha|island)(?! (?:de|da|del|of) [a-z])"
)
_WARDROBE = (
    r"armarios?|armaris?|armario|roupeiros?|guarda-roupas?|guarda roupas?|guardaroupas?|guarda-fatos|"
    r"wardrobes?|closets?|walk-in|vestidor|vestidores|vestidors|dressing rooms?|dressing"
)
_LINK = r"(?:de |del |do |da |para |per |pel |para o |para a |para el |per al |de la |de casa de |of )?"
_FURNITURE = (
    rf"(?:muebles?|mobles?|movel|moveis|armarios?|armaris?|armario|cabinet|vanity) {_LINK}(?:{_BATH})|"
    rf"(?:muebles?|mobles?|movel|moveis|paineis|painel|unit|units|cabinet) {_LINK}(?:{_LIVING})|"
    r"vanity units?|vanity|tv units?|tv stands?|media units?|tv cabinets?|entertainment units?|"
    r"librerias?|llibreries|llibreria|estanterias?|estanteries|prestatgeries|prestatgeria|estantes?|"
    r"bookcases?|bookshelf|bookshelves|shelving|shelves|escritorios?|escriptoris?|desks?|"
    r"home office|despacho|secretarias?|escrivaninhas?|aparadors?|aparadores?|sideboards?|"
    r"zapateros?|sabaters?|sapateiras?|comodas?|literas?|beliches?|recibidor|rebedor|camas?|llits?|beds?|"
    r"muebles?|mobles?|mobiliari|mobiliario|moveis|movel|furniture|mesas?|taules?|tables?"
)
# Checked in this order: a kitchen or wardrobe word wins over generic furniture words, but
# the specific furniture phrases ("mueble de baño", "TV unit") are checked first.
_SPECIFIC_FURNITURE = _words(_FURNITURE.split("|vanity units?")[0])
_PROJECTS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("kitchen", _words(_KITCHEN)),
    ("wardrobe", _words(_WARDROBE)),
    ("furniture", _words(_FURNITURE)),
)

_STYLES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("modern", _words(r"modern[oa]s?|modern|moderns|contemporane[oa]s?|contemporani[as]?|contemporary")),
    ("minimalist", _words(r"minimalistas?|minimalist|minimal|minimalism|minimalismo")),
    ("classic", _words(r"clas+ic[oa]s?|clas+ic|clas+ics|clas+iques|clas+ica|tradicional(?:es|s)?|traditional")),
    ("rustic", _words(r"rustic[oa]s?|rustic|rustics|rustiques|farmhouse|(?<!the )(?<!which )(?<!what )country")),
    ("industrial", _words(r"industrial(?:es|s)?(?! (?:estate|park|area|zone))")),
    ("nordic", _words(r"nordic[oa]s?|nordic|nordics|nordiques|escandinav[oa]s?|escandinau|scandinavian|scandi")),
)
_NOT_STYLE_RE = re.compile(
    r"(poligono|poligon|nave|zona|parque|area|polig\.?|pol\.?) industrial|"
    r"(?:which|what|this|that|your|our|other|another|the) country"
)

TYPO_FIXER = TypoFixer(
    vocabulary=_split("""cocina cocinas cozinha cozinhas kitchen kitchens armario armarios armari armaris roupeiro
    roupeiros wardrobe wardrobes empotrado empotrados encastat embutido planejado planejada estanteria
    libreria llibreria mueble muebles bookcase bookshelves encimera bancada worktop moderno moderna
    modernos modernas contemporaneo contemporanea contemporani contemporary minimalista minimalist
    clasico clasica classico classica classic tradicional traditional rustico rustica rustic industrial
    nordico nordica nordic escandinavo escandinava scandinavian urgente urgent urgently browsing
    presupuesto pressupost orcamento cuadrados quadrados quadrats lineales lineals lineares
    """),
    known=_split("""cocinar cocinero cocinera cozinhar cozinheiro classe clases classes clasica industria
    moderniza modernizar mirando armazem armando armados cocinan cocinamos modems vestidos urgencia
    urgencias urgente urgentes curados cuidados armar banca bancas armas moder"""),
)


def find_project_type(text: str) -> str | None:
    """Return "kitchen", "wardrobe" or "furniture" for the product the visitor names, or None."""
    if _SPECIFIC_FURNITURE.search(text) and not _PROJECTS[0][1].search(_SPECIFIC_FURNITURE.sub(" ", text)):
        return "furniture"
    for label, pattern in _PROJECTS:
        if pattern.search(text):
            return label
    return None


def find_style(text: str) -> str | None:
    """Return the style the visitor names explicitly, or None."""
    text = _NOT_STYLE_RE.sub(" ", text)
    first: tuple[int, str] | None = None
    for label, pattern in _STYLES:
        match = pattern.search(text)
        if match and (first is None or match.start() < first[0]):
            first = (match.start(), label)
    return first[1] if first else None
