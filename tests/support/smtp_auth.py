"""A mail server that takes mail only after STARTTLS and a login, for the test of notify's
SMTP login: `python -m tests.support.smtp_auth PORT MAILDIR CERT KEY USER PASSWORD`. It says
"Server is listening" when it is, as aiosmtpd's own command does."""
import ssl
import sys
import threading

from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Mailbox
from aiosmtpd.smtp import AuthResult


def main(port, maildir, cert, key, user, password):
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)

    def authenticate(server, session, envelope, mechanism, auth_data):
        return AuthResult(success=(auth_data.login, auth_data.password) ==
                          (user.encode(), password.encode()))

    controller = Controller(Mailbox(maildir), hostname="127.0.0.1", port=int(port),
                            tls_context=context, require_starttls=True,
                            authenticator=authenticate, auth_required=True,
                            auth_require_tls=True)
    controller.start()
    print("Server is listening", flush=True)
    threading.Event().wait()  # until the test kills it


if __name__ == "__main__":
    main(*sys.argv[1:])
