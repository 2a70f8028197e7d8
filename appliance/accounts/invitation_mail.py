"""The e-mail that carries an invitation link to a new team member (or a new store's owner).

The link is made when the mail goes out, not stored in the queue, so the queue never holds a
usable token; a person who has meanwhile set a password gets no mail."""

from __future__ import annotations

from sqlalchemy import select

from appliance.accounts.invitations import LIFETIME_SECONDS, invitation_url, make_invitation_token
from appliance.infra.db import Membership, Tenant, User
from appliance.infra.mail import send_mail
from appliance.infra.runtime import Runtime
from appliance.jobs.registry import task

SUBJECT = {
    "es": "{store} te invita a su panel de Ebanista",
    "ca": "{store} et convida al seu tauler d'Ebanista",
    "pt": "{store} convida-o para o painel Ebanista",
    "en": "{store} invites you to their Ebanista panel",
}
BODY = {
    "es": (
        "Hola:\n\n{store} te ha añadido a su equipo en Ebanista, donde llegan los clientes que atiende"
        " su asistente.\n\nElige tu contraseña aquí (el enlace vale {days} días):\n{url}\n\n"
        "Si no esperabas este mensaje, puedes ignorarlo."
    ),
    "ca": (
        "Hola:\n\n{store} t'ha afegit al seu equip a Ebanista, on arriben els clients que atén el seu"
        " assistent.\n\nTria la teva contrasenya aquí (l'enllaç val {days} dies):\n{url}\n\n"
        "Si no esperaves aquest missatge, pots ignorar-lo."
    ),
    "pt": (
        "Olá,\n\n{store} adicionou-o à sua equipa no Ebanista, onde chegam os clientes que o seu"
        " assistente atende.\n\nEscolha a sua palavra-passe aqui (a ligação é válida durante {days} dias):\n"
        "{url}\n\nSe não esperava esta mensagem, pode ignorá-la."
    ),
    "en": (
        "Hello,\n\n{store} has added you to their team on Ebanista, where the customers their assistant"
        " talks to arrive.\n\nChoose your password here (the link works for {days} days):\n{url}\n\n"
        "If you did not expect this message, you can ignore it."
    ),
}


@task
def send_team_invitation(rt: Runtime, user_id: str, tenant_id: str, base_url: str | None = None) -> bool:
    """E-mail ``user_id`` a link to choose their password and join ``tenant_id``; tell whether it went out."""
    with rt.transaction() as db:
        user = db.get(User, user_id)
        tenant = db.get(Tenant, tenant_id)
        member = db.scalar(
            select(Membership.id).where(Membership.user_id == user_id, Membership.tenant_id == tenant_id)
        )
        if user is None or tenant is None or member is None or user.password_hash is not None:
            return False
        email, store, language = user.email, tenant.name, tenant.default_language
    language = language if language in BODY else "en"
    token = make_invitation_token(rt.settings.secret_key or "", user_id)
    url = invitation_url(base_url or rt.settings.public_url, token)
    text = BODY[language].format(store=store, days=LIFETIME_SECONDS // 86400, url=url)
    send_mail(rt.settings, email, SUBJECT[language].format(store=store), text, sender_name=store)
    return True
