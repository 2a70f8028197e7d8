"""The e-mail that tells a person their account was locked from one address after failed sign-ins.

It goes out once per lock, after the commit, in the person's language. It names the address and
the time the lock ends, and says that signing in from elsewhere still works, so the person knows
both that someone tried and that they are not shut out."""

from __future__ import annotations

from datetime import datetime

from appliance.infra.db import User
from appliance.infra.mail import send_mail
from appliance.infra.runtime import Runtime
from appliance.jobs.registry import task

SUBJECT = {
    "es": "Ebanista: intentos fallidos de entrar en tu cuenta",
    "ca": "Ebanista: intents fallits d'entrar al teu compte",
    "pt": "Ebanista: tentativas falhadas de entrar na sua conta",
    "en": "Ebanista: failed attempts to sign in to your account",
}
BODY = {
    "es": (
        "Hola:\n\nAlguien ha fallado la contraseña de tu cuenta ({email}) varias veces seguidas desde la"
        " dirección {address}. Hemos bloqueado los intentos desde esa dirección hasta las {until} (UTC).\n\n"
        "Desde cualquier otro sitio puedes seguir entrando con normalidad. Si no has sido tú, te"
        " recomendamos cambiar la contraseña y activar la verificación en dos pasos."
    ),
    "ca": (
        "Hola:\n\nAlgú ha fallat la contrasenya del teu compte ({email}) diverses vegades seguides des de"
        " l'adreça {address}. Hem bloquejat els intents des d'aquesta adreça fins a les {until} (UTC).\n\n"
        "Des de qualsevol altre lloc pots continuar entrant amb normalitat. Si no has estat tu, et"
        " recomanem canviar la contrasenya i activar la verificació en dos passos."
    ),
    "pt": (
        "Olá,\n\nAlguém errou a palavra-passe da sua conta ({email}) várias vezes seguidas a partir do"
        " endereço {address}. Bloqueámos as tentativas a partir desse endereço até às {until} (UTC).\n\n"
        "A partir de qualquer outro lugar pode continuar a entrar normalmente. Se não foi você,"
        " recomendamos que mude a palavra-passe e ative a verificação em dois passos."
    ),
    "en": (
        "Hello,\n\nSomeone entered a wrong password for your account ({email}) several times in a row from"
        " the address {address}. Sign-in attempts from that address are blocked until {until} (UTC).\n\n"
        "You can still sign in as usual from anywhere else. If this was not you, we recommend changing"
        " your password and turning on two-step verification."
    ),
}


@task
def send_lockout_notice(rt: Runtime, user_id: str, address: str, locked_until: str) -> bool:
    """E-mail ``user_id`` that their account was locked from ``address`` until ``locked_until`` (ISO
    8601, UTC); tell whether it went out."""
    with rt.transaction() as db:
        user = db.get(User, user_id)
        if user is None or not user.is_active:
            return False
        email, language = user.email, user.language
    language = language if language in BODY else "en"
    until = datetime.fromisoformat(locked_until).strftime("%Y-%m-%d %H:%M")
    text = BODY[language].format(email=email, address=address or "?", until=until)
    send_mail(rt.settings, email, SUBJECT[language], text)
    return True
