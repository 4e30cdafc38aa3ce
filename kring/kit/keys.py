"""One secret in, a separate key per purpose out (docs/security.md "Keys").

KRING_SECRET is never used as a key itself: each purpose gets a key derived from it with its own
label (HMAC-SHA256 as the pseudo-random function, as HKDF-Expand does for one block), so a key
that leaks for one purpose opens nothing else. KRING_SECRET_PREVIOUS, during a rotation, still
verifies what was signed before: tokens until they expire, partner signatures on messages still
waiting in delay queues until they are consumed.
"""
import hashlib
import hmac

TOKEN_SIGNING = "token-signing"
PARTNER_IDENTITY = "partner-identity"
# the data key made from KRING_SECRET when KRING_DATA_KEYS is unset (kring.kit.crypto)
DATA_ENCRYPTION = "data-encryption"
PURPOSES = (TOKEN_SIGNING, PARTNER_IDENTITY, DATA_ENCRYPTION)


def derive(secret, purpose):
    """The key for `purpose`, as hex text (what PyJWT and hmac take)."""
    if purpose not in PURPOSES:
        raise ValueError(f"no key purpose {purpose!r}")
    return hmac.new(secret.encode(), f"kring/{purpose}/v1".encode(), hashlib.sha256).hexdigest()


def signing_key(secrets, purpose):
    """The key that signs now: from the current secret. `secrets`: KRING_SECRET alone, or a
    list of it and KRING_SECRET_PREVIOUS (None when no rotation is under way)."""
    return derive(listed(secrets)[0], purpose)


def verifying_keys(secrets, purpose):
    """Every key that still verifies: the current one first, then the previous one."""
    return [derive(secret, purpose) for secret in listed(secrets)]


def listed(secrets):
    return [secrets] if isinstance(secrets, str) else [secret for secret in secrets if secret]
