"""Keyed pseudonyms: recognise the same family across referrals without knowing who it is."""
import hashlib
import hmac


def family_key(secret, phone):
    """A stable, non-reversible key for a family, from its phone number and KRING_SECRET."""
    digits = "".join(ch for ch in phone if ch.isdigit())
    if digits.startswith("0"):  # 06… and +316… are the same Dutch number
        digits = "31" + digits[1:]
    return hmac.new(secret.encode(), digits.encode(), hashlib.sha256).hexdigest()[:32]
