"""One broker user per service, allowed exactly the exchanges and queues that service uses.

RabbitMQ grants per vhost three regular expressions over resource names: configure (declare,
delete), write (publish to an exchange, bind a queue) and read (consume from a queue, bind from
an exchange). A service's user may
- configure its own queues (`kring.<service>.…`: event queues, their delay queues, its dead-letter
  queue), its nameko RPC queue, its own events exchange and the exchanges it binds to;
- write its own events exchange, nameko's RPC exchange (its replies) and RabbitMQ's default
  exchange (its retries and parked messages go there by queue name);
- read its own queues and the exchanges it binds to.
The referral service also asks the other four over RPC (getAudit and exportReferral gather
their parts, getReports casework's hours, kring.gather), and matching asks the referral service
whose a referral is that it has not heard of yet (kring.kit.unheard): each may make reply
queues of nameko's standalone proxy and call those functions (ASKS), nothing else. A service
cannot consume, purge, delete or bind another service's queue, nor publish another service's
events. Two limits are RabbitMQ's: write on the default exchange lets a user publish to any
queue by name (never read one), and configure on an exchange lets it delete that exchange. A
topic permission keeps its RPC writes to reply routing keys and those functions, so it cannot
call anything else of another service.

Operators use one administrator (OPERATOR_USER) for `kring dlq`, `kring status` and the
management UI; no service runs under it (docs/security.md, "Broker users").
"""
import re

from kring.contracts.partner_queues import (DEAD_EXCHANGE, DEAD_QUEUE, IN_EXCHANGE, INBOUND_QUEUE,
                                            OUT_EXCHANGE)
from kring.contracts.topology import SUBSCRIPTIONS, events_exchange_name

OPERATOR_USER = "kring"
RPC_EXCHANGE = "nameko-rpc"  # nameko's default; each service consumes rpc-<service>
DEFAULT_EXCHANGE = "amq.default"  # how RabbitMQ names the nameless exchange in permissions
# nameko replies to a caller's reply queue by its uuid (nameko.rpc.ReplyListener)
REPLY_KEY = "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
# the reply queues of nameko's ClusterRpcProxy (kring.rpc), with which referral gathers
REPLY_QUEUES = "^rpc\\.reply-standalone_rpc_proxy-"
# what referral asks the other services (kring.gather): getAudit's and exportReferral's parts
# of every one, getReports' hours of casework (only casework answers it)
GATHERED = ("audit_trail", "export_of", "report_hours")
# who calls which functions of whom over RPC: {caller: {service asked: functions}}; matching
# asks the referral service about a referral not heard of yet (recordIntake's `not_ready`)
ASKS = {"matching": {"referral": ("referral_owner",)}}


def service_user(service):
    return f"kring-{service}"


def _any_of(names):
    return "|".join(f"^{re.escape(name)}$" for name in sorted(set(names)))


def _resources(service):
    """(own queues pattern, queues, exchanges declared, exchanges bound from)."""
    own = f"^kring\\.{re.escape(service)}\\."
    sources = {events_exchange_name(source) for consumer, _, source, _ in SUBSCRIPTIONS
               if consumer == service}
    queues, bound = [f"rpc-{service}"], sources | {RPC_EXCHANGE}
    publishes = {events_exchange_name(service)}
    if service == "referral":  # the partner queues (docs/contract.md §5)
        queues += [INBOUND_QUEUE, DEAD_QUEUE]
        bound |= {IN_EXCHANGE, DEAD_EXCHANGE}
        publishes |= {OUT_EXCHANGE, DEAD_EXCHANGE}
    return own, queues, bound, publishes


def service_permissions(service):
    """{configure, write, read, topic} for `service`'s broker user."""
    own, queues, bound, publishes = _resources(service)
    calls = REPLY_KEY
    if service == "referral":
        own = f"{own}|{REPLY_QUEUES}"
        others = "|".join(sorted(set(_services()) - {service}))
        calls = f"{REPLY_KEY}|^({others})\\.({'|'.join(GATHERED)})$"
    if service in ASKS:
        own = f"{own}|{REPLY_QUEUES}"
        for asked, functions in sorted(ASKS[service].items()):
            calls = f"{calls}|^{re.escape(asked)}\\.({'|'.join(functions)})$"
    return {
        "configure": f"{own}|{_any_of(queues + sorted(bound | publishes))}",
        "write": f"{own}|{_any_of(queues + sorted(publishes) + [RPC_EXCHANGE, DEFAULT_EXCHANGE])}",
        "read": f"{own}|{_any_of(queues + sorted(bound))}",
        "topic": [{"exchange": RPC_EXCHANGE, "write": calls, "read": ".*"}],
    }


def _services():
    return sorted({consumer for consumer, _, _, _ in SUBSCRIPTIONS}
                  | {source for _, _, source, _ in SUBSCRIPTIONS})
