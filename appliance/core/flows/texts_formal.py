"""The formal wording of the bot's own sentences (texts.SYSTEM), for stores that address visitors formally.

Overrides only: a sentence the same in both tones is left out here, and texts.system() falls back
to the plain one. Same placeholders as SYSTEM: usted in Spanish, vostè in Catalan, polite impersonal
forms in Portuguese that read well in Portugal and Brazil, and fuller phrasing without contractions in English.
"""

from __future__ import annotations

FORMAL_OVERRIDES: dict[str, dict[str, str]] = {
    "choose_option": {
        "es": "Disculpe, no lo he entendido. ¿Podría elegir una de las opciones?",
        "ca": "Disculpi, no ho he entès. Podria triar una de les opcions?",
        "pt": "Desculpe, não compreendi. Poderia escolher uma das opções?",
        "en": "I am sorry, I did not understand. Could you please choose one of the options?",
    },
    "choose_from": {
        "es": "Disculpe, no lo he entendido. Puede elegir {options}.",
        "ca": "Disculpi, no ho he entès. Pot triar {options}.",
        "pt": "Desculpe, não compreendi. Poderá escolher {options}.",
        "en": "I am sorry, I did not understand. You may choose {options}.",
    },
    "which_option": {
        "es": "¿Cuál de estas prefiere: {options}?",
        "ca": "Quina d'aquestes prefereix: {options}?",
        "pt": "Qual destas opções prefere: {options}?",
        "en": "Which of these would you prefer: {options}?",
    },
    "flagged": {
        "es": "Prefiero que hablemos solo de su proyecto, con respeto. Le vuelvo a preguntar:",
        "ca": "Prefereixo que parlem només del seu projecte, amb respecte. L'hi torno a preguntar:",
        "pt": "Prefiro que falemos apenas do seu projeto, com respeito. Volto a perguntar-lhe:",
        "en": "I would rather we kept to your project, kindly. Allow me to ask again:",
    },
    "not_a_name": {
        "es": "Solo necesito su nombre, por ejemplo «Laura García». ¿Cómo se llama?",
        "ca": "Només necessito el seu nom, per exemple «Laura Garcia». Com es diu?",
        "pt": "Apenas preciso do seu nome, por exemplo «Ana Sousa». Como se chama?",
        "en": "I only need your name, for example “Tom Baker”. How may I address you?",
    },
    "dont_know": {
        "es": "No se preocupe si no lo sabe con seguridad: una respuesta aproximada, o la opción que más se acerque, me basta para continuar.",
        "ca": "No es preocupi si no ho sap segur: una resposta aproximada, o l'opció que més s'hi acosti, em basta per continuar.",
        "pt": "Não se preocupe se não souber ao certo: uma resposta aproximada, ou a opção mais próxima, é suficiente para continuar.",
        "en": "Do not worry if you are not sure: an approximate answer, or the closest option, is enough to continue.",
    },
    "known_name": {
        "es": "Le tengo anotado como {value}.",
        "ca": "L'he anotat com a {value}.",
        "pt": "Tenho o seu nome registado como {value}.",
        "en": "I have noted your name as {value}.",
    },
    "known_email": {
        "es": "Le escribiremos a {value}.",
        "ca": "Li escriurem a {value}.",
        "pt": "Iremos escrever-lhe para {value}.",
        "en": "We will write to you at {value}.",
    },
    "known_phone": {
        "es": "Le contactaremos en el {value}.",
        "ca": "El contactarem al {value}.",
        "pt": "Iremos contactá-lo pelo {value}.",
        "en": "We will contact you on {value}.",
    },
    "known_contact": {
        "es": "Ya tengo su dato: {value}.",
        "ca": "Ja tinc la seva dada: {value}.",
        "pt": "Já tenho esse dado registado: {value}.",
        "en": "I already have this detail: {value}.",
    },
    "phone_ambiguous": {
        "es": "Ese número existe en más de un país. ¿Podría escribirlo con el prefijo ({prefixes})?",
        "ca": "Aquest número existeix a més d'un país. El podria escriure amb el prefix ({prefixes})?",
        "pt": "Esse número existe em mais de um país. Poderia escrevê-lo com o indicativo ({prefixes})?",
        "en": "That number exists in more than one country. Could you please write it with the country code ({prefixes})?",
    },
    "required": {
        "es": "Necesito esta respuesta para continuar. ¿Podría escribirla, por favor?",
        "ca": "Necessito aquesta resposta per continuar. Me la podria escriure, si us plau?",
        "pt": "Preciso desta resposta para continuar. Poderia escrevê-la, por favor?",
        "en": "I need this answer to continue. Could you please type it?",
    },
    "too_long": {
        "es": "Es un poco extenso. ¿Podría resumirlo en menos de {max} caracteres?",
        "ca": "És una mica llarg. Ho podria resumir en menys de {max} caràcters?",
        "pt": "É um pouco extenso. Poderia resumir em menos de {max} caracteres?",
        "en": "That is a little long. Could you please keep it under {max} characters?",
    },
    "not_a_number": {
        "es": "Escriba solo el número, por ejemplo 12.",
        "ca": "Escrigui només el número, per exemple 12.",
        "pt": "Indique apenas o número, por exemplo 12.",
        "en": "Please enter the number only, for example 12.",
    },
    "number_range": {
        "es": "El valor debe estar entre {min} y {max}{unit}.",
        "ca": "El valor ha d'estar entre {min} i {max}{unit}.",
        "pt": "O valor deve estar entre {min} e {max}{unit}.",
        "en": "The value must be between {min} and {max}{unit}.",
    },
    "not_email": {
        "es": "Ese correo no parece correcto. ¿Podría revisarlo? Por ejemplo: nombre@gmail.com",
        "ca": "Aquest correu no sembla correcte. El podria revisar? Per exemple: nom@gmail.com",
        "pt": "Esse e-mail não parece correto. Poderia verificá-lo? Por exemplo: nome@gmail.com",
        "en": "That email address does not look right. Could you please check it? For example: name@gmail.com",
    },
    "not_phone": {
        "es": "No reconozco ese teléfono. Escríbalo con prefijo si no es español, p. ej. +351 912 345 678.",
        "ca": "No reconec aquest telèfon. Escrigui'l amb prefix si no és espanyol, p. ex. +351 912 345 678.",
        "pt": "Não reconheço esse número de telefone. Indique-o com o indicativo, p. ex. +351 912 345 678.",
        "en": "I do not recognise that phone number. Please include the country code, e.g. +34 612 345 678.",
    },
    "pick_slot": {
        "es": "Elija una de las horas disponibles, por favor.",
        "ca": "Triï una de les hores disponibles, si us plau.",
        "pt": "Por favor, escolha um dos horários disponíveis.",
        "en": "Please choose one of the available times.",
    },
    "slot_unavailable": {
        "es": "Esa hora ya no está disponible. Le proponemos estas:",
        "ca": "Aquesta hora ja no està disponible. Li proposem aquestes:",
        "pt": "Esse horário já não está disponível. Propomos estes:",
        "en": "That time is no longer available. Here are the available times:",
    },
    "slot_taken": {
        "es": "Lo sentimos, esa hora se acaba de reservar. Le proponemos estas otras:",
        "ca": "Ho sentim, aquesta hora s'acaba de reservar. Li proposem aquestes altres:",
        "pt": "Lamentamos, esse horário acabou de ser reservado. Propomos estes:",
        "en": "We are sorry, that time has just been booked. Here are some other times:",
    },
    "booked_showroom": {
        "es": "Queda reservado. Le esperamos el {when}. Dirección: {address}. Si dispone de fotos, medidas o planos del espacio, tráigalos.",
        "ca": "Queda reservat. L'esperem {when}. Adreça: {address}. Si disposa de fotos, mides o plànols de l'espai, porti'ls.",
        "pt": "Fica marcado. Aguardamos a sua visita {when}. Morada: {address}. Se dispuser de fotos, medidas ou plantas do espaço, traga-as.",
        "en": "Your visit is booked. We look forward to welcoming you on {when}. Address: {address}. Please bring any photos, measurements or plans of the space.",
    },
    "booked_showroom_plain": {
        "es": "Queda reservado. Le esperamos el {when}. Si dispone de fotos, medidas o planos del espacio, tráigalos.",
        "ca": "Queda reservat. L'esperem {when}. Si disposa de fotos, mides o plànols de l'espai, porti'ls.",
        "pt": "Fica marcado. Aguardamos a sua visita {when}. Se dispuser de fotos, medidas ou plantas do espaço, traga-as.",
        "en": "Your visit is booked. We look forward to welcoming you on {when}. Please bring any photos, measurements or plans of the space.",
    },
    "booked_home": {
        "es": "Queda reservado. Iremos a tomar medidas el {when}. Le avisaremos poco antes de llegar.",
        "ca": "Queda reservat. Vindrem a prendre mides {when}. L'avisarem poc abans d'arribar.",
        "pt": "Fica marcado. Faremos a medição {when}. Avisaremos pouco antes de chegar.",
        "en": "Your visit is booked. We will come to take measurements on {when} and will let you know shortly before we arrive.",
    },
    "more_slots": {
        "es": "Aquí tiene más horas:",
        "ca": "Aquí té més hores:",
        "pt": "Tem aqui mais horários:",
        "en": "Here are some more times:",
    },
    "day_slots": {
        "es": "Estas son las horas disponibles ese día:",
        "ca": "Aquestes són les hores disponibles aquell dia:",
        "pt": "Estes são os horários disponíveis nesse dia:",
        "en": "These are the available times on that day:",
    },
    "no_slots_day": {
        "es": "Ese día no disponemos de horas libres. Le proponemos las siguientes:",
        "ca": "Aquell dia no disposem d'hores lliures. Li proposem les següents:",
        "pt": "Nesse dia não dispomos de horários livres. Propomos os seguintes:",
        "en": "Unfortunately there are no available times that day. Here are the next ones:",
    },
    "no_more_slots": {
        "es": "Por ahora no hay más horas disponibles. Le mostramos de nuevo las primeras:",
        "ca": "Ara mateix no hi ha més hores disponibles. Li tornem a mostrar les primeres:",
        "pt": "De momento não há mais horários disponíveis. Mostramos novamente os primeiros:",
        "en": "There are no further times available for now. Here are the first ones again:",
    },
    "upload_file": {
        "es": "Adjunte una foto o un plano (JPG, PNG o PDF) con el botón de subir, o salte este paso.",
        "ca": "Adjunti una foto o un plànol (JPG, PNG o PDF) amb el botó de pujar, o salti aquest pas.",
        "pt": "Anexe uma foto ou uma planta (JPG, PNG ou PDF) com o botão de enviar ou, se preferir, avance.",
        "en": "Please attach a photo or a plan (JPG, PNG or PDF) using the upload button, or skip this step.",
    },
    "finished": {
        "es": "Muchas gracias. Ya tenemos todo lo necesario. Si necesita algo más, escríbanos cuando lo desee.",
        "ca": "Moltes gràcies. Ja ho tenim tot. Si necessita res més, escrigui'ns quan vulgui.",
        "pt": "Muito obrigado. Já temos tudo o que é necessário. Se precisar de algo mais, escreva-nos quando quiser.",
        "en": "Thank you very much. We have everything we need. Should you need anything else, please write to us.",
    },
    "understood": {
        "es": "Tomamos nota: {summary}.",
        "ca": "Prenem nota: {summary}.",
        "pt": "Tomamos nota: {summary}.",
        "en": "We have noted: {summary}.",
    },
}
