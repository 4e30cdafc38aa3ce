"""aiosmtpd handlers whose goodbye goes wrong after they have taken the mail, for the tests of
the moment notify records a notice as sent (`SmtpServer(..., handler=...)` runs them)."""
import asyncio
from pathlib import Path

from aiosmtpd.handlers import Mailbox

GOODBYE_ASKED = ".quit"  # beside the Maildir: the client has said QUIT


class RefusedGoodbye(Mailbox):
    """Takes every mail, then answers QUIT with an error instead of 221."""

    async def handle_QUIT(self, server, session, envelope):
        return "421 4.3.2 going down"


class SlowGoodbye(Mailbox):
    """Takes every mail; on QUIT it leaves a mark beside its Maildir and keeps the client
    waiting (a minute, or until the test ends the server)."""

    async def handle_QUIT(self, server, session, envelope):
        Path(f"{self.mail_dir}{GOODBYE_ASKED}").touch()
        await asyncio.sleep(60)
        return "221 Bye"
