"""The one way out for email: SMTP with a timeout, TLS as the URL says, one error type.

``smtp_url`` is smtp://[user:password@]host[:port] (plain, port 25), smtp+starttls://... (port 587,
upgraded with STARTTLS) or smtps://... (TLS from the start, port 465). Without it mail is off:
sending does nothing, so an appliance without a mail server still books visits.
"""

from __future__ import annotations

import smtplib
import ssl
import threading
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import formataddr, formatdate, make_msgid, parseaddr
from urllib.parse import SplitResult, unquote, urlsplit

import structlog

from appliance.infra.settings import Settings

log = structlog.get_logger(__name__)

TIMEOUT_SECONDS = 10
DEFAULT_PORTS = {"smtp": 25, "smtp+starttls": 587, "smtps": 465}

# (file name, content type such as "text/calendar; method=REQUEST", content)
Attachment = tuple[str, str, bytes | str]

_off_noted = threading.Event()


class MailError(Exception):
    """A message that was not sent; ``permanent`` when trying again cannot help (a 5xx answer)."""

    def __init__(self, message: str, permanent: bool, code: int | None = None) -> None:
        super().__init__(message)
        self.permanent = permanent
        self.code = code


def send_mail(
    settings: Settings,
    to: str,
    subject: str,
    text: str,
    attachments: list[Attachment] | None = None,
    *,
    sender_name: str | None = None,
) -> None:
    """Send one plain-text message with attachments, or raise MailError; do nothing if mail is off."""
    if settings.smtp_url is None:
        _note_mail_off()
        return
    message = build_message(settings.mail_from, to, subject, text, attachments or [], sender_name)
    _deliver(urlsplit(settings.smtp_url), message)


def build_message(
    mail_from: str, to: str, subject: str, text: str, attachments: list[Attachment], sender_name: str | None = None
) -> EmailMessage:
    """Return the message: From shows ``sender_name`` (the store) with the configured address."""
    # The SMTP policy writes CRLF everywhere, which calendar attachments require anyway.
    message = EmailMessage(policy=SMTP)
    default_name, address = parseaddr(mail_from)
    message["From"] = formataddr((sender_name or default_name, address))
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=address.rpartition("@")[2] or "localhost")
    message.set_content(text)
    for filename, content_type, content in attachments:
        _attach(message, filename, content_type, content)
    return message


def _attach(message: EmailMessage, filename: str, content_type: str, content: bytes | str) -> None:
    kind, *raw_params = [part.strip() for part in content_type.split(";")]
    maintype, _, subtype = kind.partition("/")
    params = dict(p.split("=", 1) for p in raw_params if "=" in p)
    if isinstance(content, str):
        # Added as bytes so the exact text (CRLF line ends included) reaches the recipient.
        content = content.encode("utf-8")
        params.setdefault("charset", "UTF-8")
    message.add_attachment(content, maintype=maintype, subtype=subtype, filename=filename, params=params)


def _deliver(url: SplitResult, message: EmailMessage) -> None:
    try:
        with _open(url) as smtp:
            if url.scheme == "smtp+starttls":
                smtp.starttls(context=ssl.create_default_context())
            if url.username:
                smtp.login(unquote(url.username), unquote(url.password or ""))
            smtp.send_message(message)
    except smtplib.SMTPRecipientsRefused as exc:
        codes = [code for code, _text in exc.recipients.values()]
        raise MailError("recipient refused", all(c >= 500 for c in codes), max(codes, default=None)) from None
    except smtplib.SMTPResponseException as exc:
        # The server's text may quote the address, so only its code goes into the error.
        raise MailError(f"SMTP answered {exc.smtp_code}", exc.smtp_code >= 500, exc.smtp_code) from None
    except smtplib.SMTPNotSupportedError:
        raise MailError("the SMTP server does not offer what smtp_url asks for", permanent=True) from None
    except (smtplib.SMTPException, OSError) as exc:
        raise MailError(f"SMTP connection failed ({type(exc).__name__})", permanent=False) from None
    log.info("mail_sent", attachments=len(message.get_payload()) - 1 if message.is_multipart() else 0)


def _open(url: SplitResult) -> smtplib.SMTP:
    host, port = url.hostname or "localhost", url.port or DEFAULT_PORTS[url.scheme]
    if url.scheme == "smtps":
        return smtplib.SMTP_SSL(host, port, timeout=TIMEOUT_SECONDS, context=ssl.create_default_context())
    return smtplib.SMTP(host, port, timeout=TIMEOUT_SECONDS)


def _note_mail_off() -> None:
    if not _off_noted.is_set():
        _off_noted.set()
        log.info("mail_off", reason="EBANISTA_SMTP_URL is not set; emails are not sent")
