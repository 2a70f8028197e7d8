"""List the words that name days, months and parts of the day in es, ca, pt and en.

Every entry is a regular-expression fragment over folded text (lowercase, no accents, see
normalise.fold), so "miércoles", "Miercoles" and "MIÉRCOLES" are all "miercoles". The two-letter
Catalan abbreviations ("dl", "dt", "dc", "dj", "dv") and the Spanish "lun"/"mar" are left out on
purpose: in chat they mean too many other things.
"""

from __future__ import annotations

# Index 0 is Monday, as in date.weekday(). Common chat typos are spelled out rather than
# guessed by edit distance, because one edit from "viernes" is "vienes" ("you come").
WEEKDAYS: tuple[str, ...] = (
    r"lunes|dill?uns|segunda[- ]?feira|2[aª]?[- ]?feira|mondays?",
    r"martes|dimarts?|dimars|terca[- ]?feira|3[aª]?[- ]?feira|tuesdays?|tues|tusday|teusday",
    r"mie?rco?le?s|miecoles|dimecres|dimecre|dimercres|quarta[- ]?feira|4[aª]?[- ]?feira|qua|"
    r"wednesdays?|wensday|wednsday|wedensday|weds",
    r"jue[vb]es|dijous|quinta[- ]?feira|5[aª]?[- ]?feira|thursdays?|thurs|thursay|thrusday|thurday",
    r"[vb]iernes|divend?res|divendre|sexta[- ]?feira|6[aª]?[- ]?feira|fridays?|firday|friady",
    r"sabados?|sabdo|dis+a[bp]tes?|saturdays?|saterday|saturady",
    r"domingos?|diumen[gj]es?|sundays?|sundy",
)

# Portuguese speakers drop "-feira", but "segunda", "quinta" and friends are also ordinals
# ("segunda mano", "quinta opção"), so the bare forms are read only in Portuguese messages
# and never right before a noun they usually qualify.
PT_BARE_WEEKDAYS: tuple[str, ...] = ("segunda", "terca", "quarta", "quinta", "sexta")
PT_ORDINAL_NOUNS = r"mao|casa|habitacao|opcao|vez|fase|proposta|versao|parte|via|cozinha|visita|reuniao"

# Month names and the abbreviations that only mean a month next to a day number.
MONTHS: tuple[str, ...] = (
    r"enero|gener|janeiro|january|jan|ene",
    r"febrero|febrer|fevereiro|february|feb|fev",
    r"marzo|marc|marco|march|mar",
    r"abril|april|apr|abr",
    r"mayo|maig|maio|may",
    r"junio|juny|junho|june|jun",
    r"julio|juliol|julho|july|jul",
    r"agosto|agost|august|aug",
    r"septiembre|setiembre|setembre|setembro|september|sept|sep",
    r"octubre|outubro|october|oct",
    r"noviembre|novembre|novembro|november|nov",
    r"diciembre|desembre|dezembro|december|dec|dic",
)

# Days counted from today. Longer phrases come first so "pasado mañana" is not read as "mañana".
# "mañana" after "la", "de", "las" or "cada" is the morning, not tomorrow.
RELATIVE_DAYS: tuple[tuple[int, str], ...] = (
    (2, r"pasado manana|passat dema|dema passat|depois de amanha|(?:the )?day after tomorrow|overmorrow"),
    (0, r"esta (?:manana|tarde|noche|noite)|aquest (?:mati|vespre)|aquesta (?:tarda|nit)"),
    (0, r"this (?:morning|afternoon|evening)"),
    (0, r"hoy|avui|hoje|today|tonight|tonite"),
    (1, r"(?<!\bla )(?<!\bde )(?<!\blas )(?<!\bcada )manana|dema|amanha|tomorrow|tomorow|tommorr?ow|tmrw|tmr|2morrow"),
)

WEEKEND = r"fin de semana|finde|cap de setmana|fim de semana|fim-de-semana|weekend|week-end"

# Words before or after a weekday or the weekend that say "the coming one".
NEXT_MARKERS = r"next|coming|proximo|proxima|propera|proper|que viene|que ve|que vem|vinent|seguinte|siguiente"
THIS_MARKERS = r"este|esta|aquest|aquesta|this|nesta|neste|essa|esse|nessa"
ARTICLES = r"el|la|los|o|a|on|the|no|na|els"

# "La semana que viene" next to a weekday moves it into the next calendar week.
NEXT_WEEK = (
    r"(?<!fin de )(?<!fim de )(?<!cap de )"
    r"(?:semana que viene|proxima semana|semana proxima|semana siguiente|setmana que ve|propera setmana|"
    r"setmana vinent|semana que vem|next week|following week)"
)

# Parts of the day, most specific first: "primera hora de la tarde" is the afternoon.
PARTS: tuple[tuple[str, str], ...] = (
    (
        "midday",
        r"(?:a |al |ao |at |around )?(?:mediodia|migdia|meio[- ]dia|midday|noon|lunchtime|lunch time|hora de comer)",
    ),
    ("morning", r"(?:a )?ultima hora de la manana|final de la manana"),
    ("afternoon", r"(?:a )?primera hora de la tarde|principio de la tarde|despues de comer|after lunch"),
    ("evening", r"(?:a )?ultima hora(?: de la tarde)?|final de la tarde|al caer la tarde|late afternoon"),
    ("evening", r"al vespre|pel vespre|el vespre|vespres?|(?:ao )?(?:fim|final) do dia|a noite|de noite|noites?"),
    ("evening", r"por la noche|noches?|a la nit|la nit|nit|in the evening|evenings?|tonight|tonite|after work"),
    ("morning", r"por la manana|de la manana|de manana|a la manana|en la manana|las mananas|esta manana"),
    ("morning", r"al mati|pel mati|el mati|de mati|aquest mati|matins?|mati|manhas?|mornings?"),
    ("morning", r"a primera hora|primera hora|first thing|a primeira hora"),
    ("afternoon", r"a la tarda|per la tarda|la tarda|de tarda|aquesta tarda|tardinha|afternoons?"),
    (  # "Más tarde", "mais tarde", "es tarde": later or late, not the afternoon.
        "afternoon",
        r"(?<!\bmas )(?<!\bmais )(?<!\bmuy )(?<!\btan )(?<!\bmuito )(?<!\bdemasiado )(?<!\bes )(?<!\be )tardes?",
    ),
)
# "Tarda" is also the Spanish verb "takes (time)", so alone it is read only in Catalan.
CATALAN_PARTS: tuple[tuple[str, str], ...] = (("afternoon", r"tarda(?! (?:molt|massa|poc|gaire|uns|unes|un|una|\d))"),)

# Greetings name a part of the day without asking for it.
GREETINGS = (
    r"buen(?:os|as)? (?:dias?|tardes?|noches?)|bon dia|bona tarda|bones tardes|bona nit|bon vespre|"
    r"bom dia|boa tarde|boas tardes|boa noite|boas noites|good (?:morning|afternoon|evening|night)"
)

# A day in the same clause as one of these is a day the visitor cannot come.
CANT = (
    r"no (?:puedo|podemos|puc|podem|posso|consigo|me va|nos va|em va|ens va|me viene|nos viene|me iria|"
    r"es posible|da)|nao (?:posso|podemos|da|consigo|vai dar|e possivel)|"
    r"(?:no|nao) (?:estoy|estamos|estic|estem|estare|estaremos|estou|estarei) "
    r"(?:disponibles?|libres?|lliures?|livres?)|"
    r"imposible|impossible|impossivel|can'?t|cannot|can not|won'?t|not (?:available|possible|good)|unavailable|"
    r"busy|ocupad[oa]s?|excepto|(?<!\bal )(?<!\blo )menos|except|salvo|tret de|exceto"
)
# A clause that ends in a bare "no" ("mañana no") also turns its day down, unless it is "o no".
CANT_AT_END = r"(?<![a-z])(?<!o )(?<!ou )(?<!or )(?:no|nao|not)\s*$"
CLAUSE_BREAK = (
    r"[.;!?\n,]|\s(?:pero|but|mas|sino|mejor|millor|melhor|better|instead|prefiero|prefereixo|prefiro|prefer|"
    r"aunque|though|although|porque|because)\s"
)

# What follows a number that is a quantity, a time or an amount rather than a day.
NOT_A_DAY_AFTER = (
    r"\s*(?:m2|m²|m3|m|metros?|metres?|meters?|mts?|cm|mm|€|eur|euros?|%|h|hrs?|horas?|hores|hours?|k|mil|x|"
    r"semanas?|setmanes|weeks?|dias|dies|days|mes(?:es|os)?|months?|anos|anys|years|personas|persones|pessoas|"
    r"people|unidades|units|uds|am|pm)(?![a-z])"
)
# "De 10-12" after these words is a range of hours.
HOURS_BEFORE = r"(?<![a-z])(?:las|les|as|at|from|between|entre|sobre|hacia|around|de las|das)\s*$"
