"""The RPC methods `kring dlq` asks of a service about the messages it parked (kring.kit.parking):
the bodies it keeps, their replay, their deletion. Only the service holds its database and its
data keys, so the command asks it, as `kring rekey` and `kring notices` do."""
from kring.config import AMQP_SSL_KEY, AMQP_URI_KEY
from kring.kit import parking
from kring.kit.consumer import rpc
from kring.kit.retry import RETRY_HEADERS


class ParkedMessages:
    """A base of every service class (each has `db`, its Database, and `config`)."""

    @rpc
    def parked_bodies(self, parked_ids):
        """`kring dlq show SERVICE --body`: {parked id: the message as kept}."""
        return parking.bodies(self.db, parked_ids)

    @rpc
    def replay_parked(self, parked_ids):
        """`kring dlq replay SERVICE`: {"replayed": ids, "gone": ids no longer kept}."""
        return parking.replay(self.db, self.config[AMQP_URI_KEY], parked_ids, RETRY_HEADERS,
                              ssl=self.config.get(AMQP_SSL_KEY))

    @rpc
    def forget_parked(self, parked_ids):
        """`kring dlq purge SERVICE`: how many kept messages were deleted."""
        return parking.forget(self.db, parked_ids)
