"""Signed bearer tokens: who is calling (person, organisation, role) and until when.

HS256 with a key derived from KRING_SECRET for this purpose only (kring.kit.keys). The person
(`sub`) and the organisation in the token are the only ones we trust: a referrer sees the
referrals of its own organisation, never what a request body claims.
"""
import time
from dataclasses import dataclass

import jwt

from kring.contracts.access import ROLES
from kring.errors import Forbidden, Unauthenticated
from kring.kit.keys import TOKEN_SIGNING, signing_key, verifying_keys

ISSUER = "kring"
DEFAULT_TTL_SECONDS = 8 * 3600  # a working day
MAX_TTL_SECONDS = 12 * 3600  # a token that leaks is worth at most half a day
LEEWAY_SECONDS = 30  # clocks of the machine that made it and ours may differ a little
MAX_NAME_LENGTH = 128


@dataclass(frozen=True)
class Identity:
    org: str
    role: str
    subject: str  # the person: a supporter's token names the supporter_id

    def require(self, *roles):
        if self.role not in roles:
            raise Forbidden(f"this operation is for {', '.join(roles)}, not {self.role}")


def create_token(secrets, org, role, subject, ttl=DEFAULT_TTL_SECONDS, now=None):
    """A token for `subject` of `org` in `role`. `secrets`: KRING_SECRET (a text), or the list
    of secrets, current first."""
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}")
    for name, value in (("organisation", org), ("subject", subject)):
        if not isinstance(value, str) or not value.strip() or len(value) > MAX_NAME_LENGTH:
            raise ValueError(f"{name} must be 1 to {MAX_NAME_LENGTH} characters")
    if not 0 < ttl <= MAX_TTL_SECONDS:
        raise ValueError(f"ttl must be 1 to {MAX_TTL_SECONDS} seconds (12 hours)")
    issued = int(now if now is not None else time.time())
    claims = {"iss": ISSUER, "org": org, "role": role, "sub": subject, "iat": issued,
              "exp": issued + int(ttl)}
    return jwt.encode(claims, signing_key(secrets, TOKEN_SIGNING), algorithm="HS256")


def read_token(secrets, header):
    """The Identity behind an `Authorization: Bearer …` header, or Unauthenticated."""
    if not header:
        raise Unauthenticated("an Authorization: Bearer token is required")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated("the Authorization header must be 'Bearer <token>'")
    claims = _verified_claims(token.strip(), verifying_keys(secrets, TOKEN_SIGNING))
    if claims["role"] not in ROLES or not all(
            isinstance(claims[name], str) and claims[name].strip()
            and len(claims[name]) <= MAX_NAME_LENGTH for name in ("org", "sub")):
        raise Unauthenticated("the token is not valid")
    if not isinstance(claims["iat"], int) or not isinstance(claims["exp"], int) or \
            claims["exp"] - claims["iat"] > MAX_TTL_SECONDS:
        raise Unauthenticated("the token lives longer than 12 hours; ask for a new one")
    if claims["iat"] > time.time() + LEEWAY_SECONDS:
        raise Unauthenticated("the token is not valid yet")
    return Identity(claims["org"], claims["role"], claims["sub"])


def _verified_claims(token, keys):
    for key in keys:
        try:
            return jwt.decode(token, key, algorithms=["HS256"], issuer=ISSUER,
                              leeway=LEEWAY_SECONDS,
                              options={"require": ["exp", "iat", "org", "role", "sub"]})
        except jwt.ExpiredSignatureError:
            raise Unauthenticated("the token has expired") from None
        except jwt.InvalidSignatureError:
            continue  # signed with the other key of a rotation, perhaps
        except jwt.PyJWTError:
            raise Unauthenticated("the token is not valid") from None
    raise Unauthenticated("the token is not valid")

