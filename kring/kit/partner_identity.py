"""Which partner published a message: the broker's word for it, or our signed copy of that word.

The broker vouches for `user_id` only on the partner's own publish (docs/contract.md §5). A
copy we republish for a retry cannot carry it (the broker checks it against our own user), so it
carries the partner's name in a header, signed with a key of its own (kring.kit.keys), and only a
signature we made is believed when the copy comes back. `secrets` is KRING_SECRET and, during a
rotation, the one before it: a copy signed before the rotation may still wait in a delay queue.
"""
import hashlib
import hmac

from kring.kit.keys import PARTNER_IDENTITY, signing_key, verifying_keys

USER_HEADER, USER_SIGNATURE_HEADER = "x-kring-user-id", "x-kring-user-signature"


def sign_user(key, user_id, message_id):
    text = f"{user_id}\n{message_id or ''}".encode()
    return hmac.new(key.encode(), text, hashlib.sha256).hexdigest()


def vouched_user(secrets, message):
    """The publishing broker user: the broker's own `user_id`, or our signed copy of it."""
    user_id = message.properties.get("user_id")
    if user_id:
        return user_id
    headers = message.headers or {}
    claimed, signature = headers.get(USER_HEADER), headers.get(USER_SIGNATURE_HEADER)
    if not (claimed and signature):
        return None
    message_id = message.properties.get("message_id")
    for key in verifying_keys(secrets, PARTNER_IDENTITY):
        if hmac.compare_digest(str(signature), sign_user(key, claimed, message_id)):
            return claimed
    return None


def vouch_for(secrets, message, headers):
    """Carry the publisher of `message` into `headers` of a copy we republish, signed."""
    properties = message.properties
    user_id = properties.get("user_id")
    if user_id:
        headers[USER_HEADER] = user_id
        headers[USER_SIGNATURE_HEADER] = sign_user(signing_key(secrets, PARTNER_IDENTITY),
                                                   user_id, properties.get("message_id"))
