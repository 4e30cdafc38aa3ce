"""A mail catcher: every message SMTP delivers on port 1025, kept in memory and shown on 8025.

What the tests read is mailpit's API as far as they read it: GET /api/v1/messages (newest first),
/api/v1/message/ID and /api/v1/message/ID/headers."""
import email
import email.policy
import html
import json
import signal
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from aiosmtpd.controller import Controller

MESSAGES = []  # newest last
LOCK = threading.Lock()


def addresses(values):
    return [{"Name": "", "Address": value} for value in values]


class Keep:
    async def handle_DATA(self, server, session, envelope):
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        body = parsed.get_body(preferencelist=("plain", "html"))
        with LOCK:
            MESSAGES.append({
                "ID": uuid.uuid4().hex,
                "From": {"Name": "", "Address": envelope.mail_from},
                "To": addresses(envelope.rcpt_tos),
                "Subject": str(parsed.get("Subject", "")),
                "Created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                "Text": body.get_content() if body is not None else "",
                "Headers": {name: [str(value) for value in parsed.get_all(name)]
                            for name in dict.fromkeys(parsed.keys())},
            })
        return "250 Message accepted for delivery"


class View(BaseHTTPRequestHandler):
    def do_GET(self):
        with LOCK:
            messages = list(MESSAGES)
        if self.path.startswith("/api/v1/messages"):
            summaries = [{key: value for key, value in message.items()
                          if key not in ("Text", "Headers")}
                         for message in reversed(messages)]  # newest first, as mailpit
            return self.answer(200, {"total": len(messages), "messages": summaries})
        if self.path.startswith("/api/v1/message/"):
            wanted, _, part = self.path[len("/api/v1/message/"):].partition("/")
            found = [message for message in messages if message["ID"] == wanted]
            if not found:
                return self.answer(404, {})
            if part == "headers":
                return self.answer(200, found[0]["Headers"])
            return self.answer(200, {key: value for key, value in found[0].items()
                                     if key != "Headers"})
        rows = "".join(f"<li>{html.escape(m['Created'])} {html.escape(m['Subject'])} to "
                       f"{html.escape(', '.join(a['Address'] for a in m['To']))}"
                       f"<pre>{html.escape(m['Text'])}</pre></li>" for m in reversed(messages))
        self.answer(200, f"<html><body><h1>{len(messages)} message(s)</h1><ul>{rows}</ul>"
                         "</body></html>", "text/html; charset=utf-8")

    def answer(self, status, body, content_type="application/json"):
        data = (body if isinstance(body, str) else json.dumps(body)).encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


if __name__ == "__main__":
    # PID 1 of a container has no default action for SIGTERM: without this, a stop waits out
    # its whole timeout and then kills
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    Controller(Keep(), hostname="0.0.0.0", port=1025).start()
    ThreadingHTTPServer(("0.0.0.0", 8025), View).serve_forever()
