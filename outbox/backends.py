from collections.abc import Sequence

from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.message import EmailMessage, EmailMultiAlternatives

from outbox.models import OutboxMessage


class OutboxEmailBackend(BaseEmailBackend):
    """Stores each message in the database (the demo's outbox) instead of sending it."""

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        rows = []
        for message in email_messages:
            html = ""
            if isinstance(message, EmailMultiAlternatives):
                html = next(
                    (str(content) for content, mimetype in message.alternatives
                     if mimetype == "text/html"),
                    "",
                )
            rows.append(
                OutboxMessage(
                    from_email=message.from_email,
                    to=", ".join(message.recipients()),
                    subject=str(message.subject),
                    body_text=str(message.body),
                    body_html=html,
                )
            )
        OutboxMessage.objects.bulk_create(rows)
        return len(rows)
