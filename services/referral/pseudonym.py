"""Keyed pseudonyms: recognise the same family across referrals without knowing who it is.

The key is the referral database's own (models.PseudonymKeyRow), made once and never rotated: a
pseudonym made with another key would not recognise the family again. It is not KRING_SECRET,
which signs tokens and may be rotated (docs/security.md "Keys"); only a database that already
held referrals before the key was stored keeps KRING_SECRET as its key, so that the families
it knows are still recognised.
"""
import hashlib
import hmac
import secrets

KEY_BYTES = 32


def new_key():
    """A fresh random key, as text."""
    return secrets.token_hex(KEY_BYTES)


def family_key(key, phone):
    """A stable, non-reversible key for a family, from its phone number and the key."""
    digits = "".join(ch for ch in phone if ch.isdigit())
    if digits.startswith("0"):  # 06… and +316… are the same Dutch number
        digits = "31" + digits[1:]
    return hmac.new(key.encode(), digits.encode(), hashlib.sha256).hexdigest()[:32]
