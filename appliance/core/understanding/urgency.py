"""Read when the visitor wants the project done: urgent, soon, later or just exploring.

The time of a requested call, visit or measuring appointment is not urgency, so phrases in a
clause that talks about one are ignored. Phrases whose bucket depends on today's date
("antes del verano", month names) are deliberately not listed.
"""

from __future__ import annotations

import re


def _phrases(pattern: str) -> re.Pattern[str]:
    """Compile an alternation that only matches whole words."""
    return re.compile(rf"(?<![a-z])(?:{pattern})(?![a-z])")


# Negated hurry ("sin prisa", "no es urgente") must be found before "prisa"/"urgente".
_CALM = _phrases(
    r"sin prisas?|no (?:tengo|tenemos|hay|corre|me corre|nos corre) (?:ninguna )?prisas?|ninguna prisa|"
    r"sense pressa|no (?:tinc|tenim|hi ha) (?:cap )?pressa|cap pressa|sem pressas?|nao (?:tenho|temos|ha) pressa|"
    r"nenhuma pressa|pressa nenhuma|no rush|no hurry|not in (?:a|any) (?:hurry|rush)|in no (?:hurry|rush)|"
    r"no (?:big )?rush|no es urgente|no urge|nada urgente|no es urgent|nao e urgente|nao e urgencia|"
    r"not urgent|no urgency|not in a rush"
)
_URGENT = _phrases(
    r"urgente|urgentes|urgent|urgently|urgencia|urge|asap|a\.s\.a\.p|cuanto antes|lo antes posible|"
    r"lo mas (?:pronto|rapido) posible|cuanto mas (?:pronto|rapido) mejor|de inmediato|inmediatamente|"
    r"ya mismo|para ya|com mes aviat millor|al mes aviat possible|(?:tan|el) aviat com (?:sigui|es|puguem) possible|"
    r"com abans millor|o mais (?:rapido|breve|cedo|depressa) possivel|(?:o )?quanto antes|com urgencia|"
    r"as soon as (?:possible|we can|you can)|right away|immediately|straight away|"
    r"(?:tengo|tenemos) (?:mucha )?prisa|(?:me|nos) corre prisa|(?:tinc|tenim) pressa|(?:tenho|temos) pressa|"
    r"in a (?:hurry|rush)|this month|este mes|aquest mes|esse mes|next week|(?:la )?semana que viene|"
    r"(?:la )?proxima semana|(?:la )?setmana que ve|(?:la )?propera setmana|semana que vem|this week|esta semana|"
    r"aquesta setmana|essa semana|(?:el )?mes que viene|(?:el )?proximo mes|(?:el )?mes proximo|(?:el )?mes que ve|"
    r"(?:el )?proper mes|(?:o )?mes que vem|(?:no )?proximo mes|next month|within (?:a|one|1) month|"
    r"in (?:a|one) month|(?:in|within) a few (?:weeks|days)"
)
_SOON = _phrases(
    r"(?:en |in |d'aqui a |daqui a |em |within )?(?:un |um |a )?(?:mes y medio|mes i mig|mes e meio|month and a half)|"
    r"(?:in |within )?a couple of months|un par de meses|un parell de mesos|en unos meses|in a few months|"
    r"em (?:alguns|uns) meses|d'aqui a (?:uns|alguns) mesos|en breve|em breve|brevemente|soon|soonish|aviat"
)
_SPANISH_SOON = _phrases(r"pronto")
_LATER = _phrases(
    r"(?:el |al )?ano que viene|(?:el )?proximo ano|(?:el )?ano proximo|l'any que ve|l'any vinent|(?:el )?proper any|"
    r"(?:no |o )?proximo ano|(?:no )?ano que vem|para o ano|next year|medio ano|mig any|meio ano|half a year|"
    r"within (?:a|one) year|in a year"
)
_EXPLORING = _phrases(
    r"(?:solo |solamente )?(?:estoy|estamos) mirando|solo mirando|solo miro|"
    r"(?:mirando|buscando|coger|sacar|solo) ideas|"
    r"solo (?:quiero|queria) ideas|por curiosidad|solo (?:para )?informarme|"
    r"nomes (?:estic|estem) mirant|nomes mirant|nomes miro|nomes mirava|estic mirant|"
    r"(?:mirant|buscant|agafar|nomes) idees|per curiositat|(?:so|apenas) (?:estou |estamos )?a (?:ver|olhar)|"
    r"(?:estou|to|tou) (?:so|apenas) (?:a ver|a olhar|olhando|pesquisando|vendo)|"
    r"(?:so|apenas) (?:olhando|pesquisando|vendo|ideias)|(?:ver|buscar|procurar|procurando|buscando) ideias|"
    r"por curiosidade|dar uma olhada|dando uma olhada|"
    r"just (?:browsing|looking|curious|researching|checking|ideas|having a look)|"
    r"only looking|having a look|getting (?:some )?ideas|for (?:some )?(?:ideas|inspiration)|early stages"
)
_DURATION = re.compile(
    r"(?<![a-z])(?:en|dentro de|de aqui a|d'aqui a|daqui a|aqui a|em|in|within|en menos de|en los proximos|"
    r"en las proximas|nos proximos|nas proximas|els propers|les properes|the next|next|plazo de|prazo de|termini de)"
    r"\s+(?:unos |unas |uns |unes |umas |cerca de |about |around |some |approximately )?"
    r"(\d+(?:[.,]5)?|un|una|um|uma|a|one|un par de|un parell de|a couple of|a few|few|unos pocos|unas pocas|"
    r"uns quants|unes quantes|alguns|algumas|algunos|algunas|poucos|poucas)"
    r"\s*(?:de\s+)?(dias|dia|days?|dies|semanas?|setmanes|setmana|weeks?|mes|meses|mesos|months?|anos?|anys?|years?)(?![a-z])"
)
_APPOINTMENT_RE = re.compile(
    r"(?<![a-z])(?:medir|medicion|mediciones|mesurar|medicao|medicoes|measure|measuring|visita|visitar|visit|"
    r"showroom|exposicion|exposicio|tienda|botiga|loja|shop|store|llamar|llamad|llamadme|llamame|llamarme|"
    r"trucar|truqueu|trucada|ligar|liguem|ligue|ligar-me|call|ring|cita|appointment|reunion|reunio|reuniao|"
    r"meeting|quedar|pasar|passar|venir|vindre|vinguin|venham|vir|come over|come round)(?![a-z])"
)
_CLAUSE_RE = re.compile(r"[.;!?\n]+|,\s|\s(?:pero|but|pero|mas|però)\s")


def find_urgency(text: str, language: str) -> str | None:
    """Return "urgent", "soon", "later" or "exploring" from prepared folded text, or None."""
    if _CALM.search(text):
        return "exploring"
    best: tuple[int, str] | None = None
    for clause_start, clause in _clauses(text):
        appointment = _APPOINTMENT_RE.search(clause)
        label = _exploring_only(clause) if appointment else _label(clause, language)
        if label and (best is None or clause_start < best[0]):
            best = (clause_start, label)
    return best[1] if best else None


def _clauses(text: str) -> list[tuple[int, str]]:
    """Split the text into clauses, keeping where each starts."""
    result: list[tuple[int, str]] = []
    start = 0
    for separator in _CLAUSE_RE.finditer(text):
        result.append((start, text[start : separator.start()]))
        start = separator.end()
    result.append((start, text[start:]))
    return result


def _exploring_only(clause: str) -> str | None:
    """Return "exploring" when the clause says the visitor is just looking, else None."""
    return "exploring" if _EXPLORING.search(clause) else None


def _label(clause: str, language: str) -> str | None:
    """Return the urgency bucket of the first urgency expression in the clause, or None."""
    candidates: list[tuple[int, str]] = []
    for label, pattern in (("urgent", _URGENT), ("soon", _SOON), ("later", _LATER), ("exploring", _EXPLORING)):
        match = pattern.search(clause)
        if match:
            candidates.append((match.start(), label))
    if language == "es" and (match := _SPANISH_SOON.search(clause)):
        candidates.append((match.start(), "soon"))
    if duration := _DURATION.search(clause):
        bucket = bucket_for(_amount(duration.group(1)), duration.group(2))
        candidates.append((duration.start(), bucket))
    return min(candidates)[1] if candidates else None


def _amount(word: str) -> float:
    """Return how many units a duration's amount word or number stands for."""
    if word[0].isdigit():
        return float(word.replace(",", "."))
    if word in {"un", "una", "um", "uma", "a", "one"}:
        return 1.0
    if word in {"un par de", "un parell de", "a couple of"}:
        return 2.0
    return 2.5


def bucket_for(amount: float, unit: str) -> str:
    """Return the urgency bucket for "in <amount> <unit>" (4 weeks or less is urgent, 3 months soon)."""
    if unit.startswith(("dia", "day", "die")):
        weeks = amount / 7
    elif unit.startswith(("sem", "set", "week")):
        weeks = amount
    elif unit.startswith(("mes", "month")):
        weeks = amount * 4.345
    else:
        weeks = amount * 52
    if weeks <= 4.5:
        return "urgent"
    if weeks <= 13.1:
        return "soon"
    return "later"
