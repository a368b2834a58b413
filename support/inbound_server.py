"""The listener a district runs for replies by email: SMTP or LMTP (aiosmtpd), on an
address its mail server forwards the reply addresses to (SUPPORT_REPLY_ADDRESS).

Each message is handed to support.inbound.handle_message in a worker thread (the
database is not used from the event loop). A message is accepted (250) once it
has been handled, whatever the outcome, so the mail server never bounces to an
automatic sender; if handling fails, the answer is a temporary failure (451) and
the mail server delivers it again later: nothing is lost, and a message delivered
twice adds one reply."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.lmtp import LMTP
from django.conf import settings
from django.db import close_old_connections

from support.inbound import handle_message

logger = logging.getLogger(__name__)

MAX_MESSAGE_BYTES = 25 * 1024 * 1024


def _handle(raw: bytes, recipients: list[str]) -> None:
    close_old_connections()
    try:
        handle_message(raw, recipients)
    finally:
        close_old_connections()


class InboundHandler:
    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: list[str]
    ) -> str:
        template = settings.SUPPORT_REPLY_ADDRESS.lower()
        before, _, after = template.partition("{token}")
        wanted = address.lower()
        if template and not (wanted.startswith(before) and wanted.endswith(after)):
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        raw = envelope.original_content or envelope.content
        try:
            await asyncio.get_running_loop().run_in_executor(
                None, _handle, bytes(raw), list(envelope.rcpt_tos)
            )
        except Exception:
            logger.exception("A reply by email could not be handled; the sender will retry")
            return "451 4.3.0 Try again later"
        return "250 Message accepted"


class LMTPController(Controller):
    def factory(self) -> LMTP:
        return LMTP(self.handler, data_size_limit=MAX_MESSAGE_BYTES)


def listener(host: str, port: int, *, lmtp: bool = False) -> Controller:
    """A started-later listener on host:port; call start() and stop()."""
    cls = LMTPController if lmtp else Controller
    return cls(InboundHandler(), hostname=host, port=port, data_size_limit=MAX_MESSAGE_BYTES)
