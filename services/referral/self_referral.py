"""A family's own application (zelfmelding): a family, or someone on its behalf, applies to a
programme's provider without a referrer (docs/contract.md §4 "Self-referral").

Nothing becomes a referral until the applicant confirms with the one-time token from the
confirmation e-mail: the application waits, sealed, for at most a day, and is deleted after.
Only the token's hash is kept, so a copy of the database confirms nothing. Pure: no IO.
"""
import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import timedelta

from kring.errors import NotFound
from services.referral.events import ApplicationSubmitted

TOKEN_BYTES = 32
PARTS = ("applicant", "family", "request", "consent")  # what an application holds, sealed
# a self-referral has no referring organisation: no token names this one (an organisation is
# 1 to 128 characters, kring.kit.auth), so no referrer ever reaches it
SELF_ORG = ""


def new_token():
    """A fresh confirmation token: 32 random bytes, base64url (43 characters)."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_hash(token):
    """What is kept of a token: a hash (a token is random, so no key is needed)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def unknown_token():
    """The one answer to a token that is unknown, expired or already swept away."""
    return NotFound("no application awaits confirmation with this token (it may have "
                    "expired: apply again)")


@dataclass
class Application:
    application_id: str
    programme: str
    token_hash: str
    submitted_at: object  # datetime (UTC)
    expires_at: object
    content: dict | None  # the applicant, family, request and consent; None once confirmed
    referral_id: str | None = None
    confirmed_at: object = None
    events: list = field(default_factory=list, compare=False, repr=False)

    @classmethod
    def submit(cls, application_id, body, token, now, lifetime):
        """`body`: submitSelfReferral's, as JSON types; `token`: sent to the applicant only."""
        application = cls(application_id, body["programme"], token_hash(token), now,
                          now + timedelta(seconds=lifetime), {key: body[key] for key in PARTS})
        application.events.append(ApplicationSubmitted(token))
        return application

    @property
    def applicant(self):
        return self.content["applicant"]

    @property
    def is_confirmed(self):
        return self.referral_id is not None

    def expired(self, now):
        return now >= self.expires_at

    def check_confirmable(self, now):
        """Not confirmed yet and not expired; else the answer of an unknown token."""
        if not self.is_confirmed and self.expired(now):
            raise unknown_token()

    def as_referral(self):
        """submitReferral's body of the referral it becomes: the application's id as its
        external_ref, the applicant in place of the referrer."""
        return {"programme": self.programme, "external_ref": self.application_id,
                **self.content}

    def confirm(self, referral_id, now):
        """It became `referral_id`: what it held lives on in the referral, sealed there."""
        if not self.is_confirmed:
            self.referral_id, self.confirmed_at, self.content = referral_id, now, None
