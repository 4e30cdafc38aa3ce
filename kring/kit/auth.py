"""Signed bearer tokens: who is calling (organisation, role) and until when.

HS256 with KRING_SECRET. The organisation in the token is the only one we trust: a referrer
sees the referrals of its own organisation, never what a request body claims.
"""
import time
from dataclasses import dataclass

import jwt

from kring.errors import Forbidden, Unauthenticated

ROLES = ("referrer", "coordinator", "supporter", "admin")
ISSUER = "kring"
DEFAULT_TTL_SECONDS = 8 * 3600  # a working day
MAX_ORG_LENGTH = 128


@dataclass(frozen=True)
class Identity:
    org: str
    role: str
    subject: str | None = None

    def require(self, *roles):
        if self.role not in roles:
            raise Forbidden(f"this operation is for {', '.join(roles)}, not {self.role}")


def create_token(secret, org, role, ttl=DEFAULT_TTL_SECONDS, subject=None, now=None):
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}")
    if not org or len(org) > MAX_ORG_LENGTH:
        raise ValueError(f"organisation must be 1 to {MAX_ORG_LENGTH} characters")
    if ttl <= 0:
        raise ValueError("ttl must be a positive number of seconds")
    issued = int(now if now is not None else time.time())
    claims = {"iss": ISSUER, "org": org, "role": role, "iat": issued, "exp": issued + int(ttl)}
    if subject:
        claims["sub"] = subject
    return jwt.encode(claims, secret, algorithm="HS256")


def read_token(secret, header):
    """The Identity behind an `Authorization: Bearer …` header, or Unauthenticated."""
    if not header:
        raise Unauthenticated("an Authorization: Bearer token is required")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated("the Authorization header must be 'Bearer <token>'")
    try:
        claims = jwt.decode(token.strip(), secret, algorithms=["HS256"], issuer=ISSUER,
                            options={"require": ["exp", "iat", "org", "role"]})
    except jwt.ExpiredSignatureError:
        raise Unauthenticated("the token has expired") from None
    except jwt.PyJWTError:
        raise Unauthenticated("the token is not valid") from None
    if claims["role"] not in ROLES or not isinstance(claims["org"], str):
        raise Unauthenticated("the token is not valid")
    return Identity(claims["org"], claims["role"], claims.get("sub"))
