"""A small client for partner organisations' integrators (kombu): submit and follow referrals.

    client = PartnerClient("amqp://ggd-utrecht:secret@kring.example.org:5672/")
    message_id = client.submit_referral(body)          # confirmed by the broker on return
    for update in client.updates():                    # accepted / rejected / started / closed
        ...

The partner is the broker user in the URI; the broker checks that it is who published.
"""
import uuid
from urllib.parse import unquote, urlparse

from kombu import Exchange, Queue

from kring.contracts.partner_queues import IN_EXCHANGE, OUT_EXCHANGE, SUBMIT_KEY
from kring.kit.broker import connect


class PartnerClient:
    def __init__(self, amqp_uri, ssl=None):
        self.amqp_uri, self.ssl = amqp_uri, ssl
        self.partner = unquote(urlparse(amqp_uri).username or "guest")

    def submit_referral(self, body, message_id=None):
        """Publish a submission with a publisher confirm; returns its message_id."""
        message_id = message_id or str(uuid.uuid4())
        # passive: the exchange is Kring's; a partner may not (and need not) declare it
        exchange = Exchange(IN_EXCHANGE, type="topic", passive=True)
        with connect(self.amqp_uri, self.ssl, transport_options={"confirm_publish": True}) as conn:
            conn.Producer().publish(body, exchange=exchange, routing_key=SUBMIT_KEY,
                                    serializer="json", delivery_mode=2, message_id=message_id,
                                    user_id=self.partner, retry=True,
                                    retry_policy={"max_retries": 3})
        return message_id

    def updates_queue(self, name="updates"):
        """The partner's own durable queue of updates: `<partner>.<name>` bound to `<partner>.#`."""
        exchange = Exchange(OUT_EXCHANGE, type="topic", passive=True)
        return Queue(f"{self.partner}.{name}", exchange=exchange,
                     routing_key=f"{self.partner}.#", durable=True)

    def updates(self, timeout=None, name="updates"):
        """Yield each update (a dict) as it arrives.

        An update is acknowledged when the caller comes back for the next one or stops
        iterating; until then the broker keeps it. Stops after `timeout` quiet seconds (None:
        wait for ever).
        """
        with connect(self.amqp_uri, self.ssl) as conn:
            queue = conn.SimpleQueue(self.updates_queue(name))
            try:
                while True:
                    try:
                        message = queue.get(block=True, timeout=timeout)
                    except queue.Empty:
                        return
                    try:
                        yield message.payload
                    finally:  # next() or close(): either way the caller has it
                        message.ack()
            finally:
                queue.close()
