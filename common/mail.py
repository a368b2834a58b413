"""Templated email: a subject/text/html trio per message, rendered in the
recipient's language, sent by a background task once the transaction commits.

Templates live in templates/emails/<prefix>_subject.txt, _body.txt and _body.html.
Never pass secrets (passwords, answers, tokens) in the context: messages are
stored by the outbox backend and by mail servers along the way."""

from __future__ import annotations

from functools import partial
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation
from django_tasks import task

from common.context_processors import district_settings


@task()
def send_email(
    subject: str, body_text: str, body_html: str, to: list[str], from_email: str
) -> int:
    """Deliver one rendered message through the configured EMAIL_BACKEND."""
    message = EmailMultiAlternatives(subject, body_text, from_email, to)
    if body_html:
        message.attach_alternative(body_html, "text/html")
    return message.send()


def render_email(
    template_prefix: str, context: dict[str, Any], language: str
) -> tuple[str, str, str]:
    """The (subject, text, html) of a message in `language`."""
    with translation.override(language):
        base = {"district": district_settings(language), **context}
        subject = render_to_string(f"emails/{template_prefix}_subject.txt", base)
        text = render_to_string(f"emails/{template_prefix}_body.txt", base)
        html = render_to_string(f"emails/{template_prefix}_body.html", base)
    # A header cannot span lines; templates end with a newline.
    return " ".join(subject.split()), text, html


def send_templated_email(
    template_prefix: str, to: list[str], context: dict[str, Any], language: str
) -> None:
    """Render now (in the request, in `language`) and enqueue the sending once the
    surrounding transaction commits, so a rolled-back change sends nothing."""
    if not to:
        return
    subject, text, html = render_email(template_prefix, context, language)
    transaction.on_commit(
        partial(
            send_email.enqueue,
            subject=subject,
            body_text=text,
            body_html=html,
            to=list(to),
            from_email=settings.DEFAULT_FROM_EMAIL,
        )
    )


def language_for(account_language: str) -> str:
    """The account's saved language if it is one we offer, else the active one."""
    offered = dict(settings.LANGUAGES)
    if account_language in offered:
        return account_language
    active = translation.get_language() or settings.LANGUAGE_CODE
    return active if active in offered else settings.LANGUAGE_CODE
