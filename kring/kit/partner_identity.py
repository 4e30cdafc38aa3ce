"""Which partner published a message: the broker's word for it, or our signed copy of that word.

The broker vouches for `user_id` only on the partner's own publish (docs/contract.md §5). A
copy we republish for a retry cannot carry it (the broker checks it against our own user), so it
carries the partner's name in a header, signed with a key of its own, and only a signature we
made is believed when the copy comes back.
"""
import hashlib
import hmac

USER_HEADER, USER_SIGNATURE_HEADER = "x-kring-user-id", "x-kring-user-signature"


def sign_user(secret, user_id, message_id):
    text = f"{user_id}\n{message_id or ''}".encode()
    return hmac.new(secret.encode(), text, hashlib.sha256).hexdigest()


def vouched_user(secret, message):
    """The publishing broker user: the broker's own `user_id`, or our signed copy of it."""
    user_id = message.properties.get("user_id")
    if user_id:
        return user_id
    headers = message.headers or {}
    claimed, signature = headers.get(USER_HEADER), headers.get(USER_SIGNATURE_HEADER)
    if claimed and signature and hmac.compare_digest(
            str(signature), sign_user(secret, claimed, message.properties.get("message_id"))):
        return claimed
    return None


def vouch_for(secret, message, headers):
    """Carry the publisher of `message` into `headers` of a copy we republish, signed."""
    properties = message.properties
    user_id = properties.get("user_id")
    if user_id:
        headers[USER_HEADER] = user_id
        headers[USER_SIGNATURE_HEADER] = sign_user(secret, user_id, properties.get("message_id"))
