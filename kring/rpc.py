"""Ask a running service a question over the broker, from outside nameko (the `kring` command)."""
from kombu.exceptions import OperationalError
from nameko.exceptions import RpcTimeout, UnknownService
from nameko.standalone.rpc import ClusterRpcProxy

from kring.config import AMQP_SSL_KEY, AMQP_URI_KEY


def call(amqp_uri, service, method, *args, timeout=10, ssl=None):
    """Call `service.method(*args)`; TimeoutError if nobody answers, OSError if no broker."""
    try:
        with ClusterRpcProxy({AMQP_URI_KEY: amqp_uri, AMQP_SSL_KEY: ssl},
                             timeout=timeout) as cluster:
            return getattr(getattr(cluster, service), method)(*args)
    except UnknownService as exc:  # its queue does not exist: it has never run on this broker
        raise TimeoutError(str(exc)) from None
    except RpcTimeout as exc:
        raise TimeoutError(str(exc)) from None
    except OperationalError as exc:
        raise OSError(str(exc)) from None
