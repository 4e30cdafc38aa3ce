"""aiosmtpd handlers that take every mail but misbehave around it, for the tests of the moment
notify records a notice as sent
(`SmtpServer(..., handler="tests.support.smtp_handlers.NAME")`)."""
import asyncio
from pathlib import Path

from aiosmtpd.handlers import Mailbox

GOODBYE_ASKED = ".quit"  # beside the Maildir: the client has said QUIT
MESSAGE_HELD = ".held"  # beside the Maildir: the server has the whole message, no verdict yet


class RefusedGoodbye(Mailbox):
    """Takes every mail, then answers QUIT with an error instead of 221."""

    async def handle_QUIT(self, server, session, envelope):
        return "421 4.3.2 going down"


class SlowGoodbye(Mailbox):
    """Takes every mail; on QUIT it leaves a mark beside its Maildir and keeps the client
    waiting (a minute, or until the client or the test gives up)."""

    async def handle_QUIT(self, server, session, envelope):
        Path(f"{self.mail_dir}{GOODBYE_ASKED}").touch()
        await asyncio.sleep(60)
        return "221 Bye"


class SlowVerdict(Mailbox):
    """Once it has the whole message it leaves a mark beside its Maildir, and gives its
    verdict (250, the mail taken) 20 ms later."""

    async def handle_DATA(self, server, session, envelope):
        Path(f"{self.mail_dir}{MESSAGE_HELD}").touch()
        await asyncio.sleep(0.02)
        return await super().handle_DATA(server, session, envelope)


class HoldsTheFirst(Mailbox):
    """Holds the first message: once it has the whole of it, it leaves a mark beside its
    Maildir and gives no verdict for a minute (a sender killed meanwhile never hears one),
    then refuses it, storing nothing. Every later message is taken at once."""

    held = False

    async def handle_DATA(self, server, session, envelope):
        if not self.held:
            self.held = True
            Path(f"{self.mail_dir}{MESSAGE_HELD}").touch()
            await asyncio.sleep(60)
            return "451 4.3.0 held, not taken"
        return await super().handle_DATA(server, session, envelope)
