"""The AsyncAPI document of the partner queues (docs/contract.md §5), from the same schemas as
HTTP."""
from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin

from kring.contracts import partner_queues as partner
from kring.contracts.referral import SubmitReferral


def _schemas():
    """JSON schemas of the messages, converted by apispec's marshmallow plugin."""
    spec = APISpec(title="schemas", version="1", openapi_version="3.0.3",
                   plugins=[MarshmallowPlugin()])
    for schema in (SubmitReferral, partner.PartnerUpdate, partner.DeadLetter):
        spec.components.schema(schema.__name__, schema=schema)
    return spec.to_dict()["components"]["schemas"]


def _amqp_exchange(name):
    return {"amqp": {"is": "routingKey", "exchange": {
        "name": name, "type": "topic", "durable": True, "autoDelete": False, "vhost": "/"}}}


def build_asyncapi(version="0.1.0"):
    return {
        "asyncapi": "2.6.0",
        "info": {"title": "Kring partner queues", "version": version, "description": (
            "Partner organisations submit referrals and follow them on RabbitMQ. The partner "
            "is the broker user that published a message (the broker-checked user_id "
            "property). Every message gets an answer; refused ones are also kept, with their "
            "errors, for the operator.")},
        "defaultContentType": "application/json",
        "channels": {
            f"{partner.IN_EXCHANGE}/{partner.SUBMIT_KEY}": {
                "description": "Submit a referral (the body of submitReferral; external_ref "
                               "required). The same message_id, or the same external_ref, "
                               "again creates no second referral.",
                "bindings": _amqp_exchange(partner.IN_EXCHANGE),
                "publish": {"operationId": "partnerSubmitReferral",
                            "message": {"$ref": "#/components/messages/SubmitReferral"}},
            },
            f"{partner.OUT_EXCHANGE}/{{partner}}.referral.{{event}}": {
                "description": "Answers and status changes of the partner's referrals; bind "
                               "`<partner>.#`. Nothing about the family.",
                "parameters": {
                    "partner": {"description": "the partner's broker user name",
                                "schema": {"type": "string"}},
                    "event": {"schema": {"type": "string", "enum": list(partner.EVENTS)}}},
                "bindings": _amqp_exchange(partner.OUT_EXCHANGE),
                "subscribe": {"operationId": "partnerReferralUpdates",
                              "message": {"$ref": "#/components/messages/PartnerUpdate"}},
            },
            f"{partner.DEAD_EXCHANGE}/{partner.DEAD_QUEUE}": {
                "description": "For operators: every refused inbound message with its errors.",
                "bindings": _amqp_exchange(partner.DEAD_EXCHANGE),
                "subscribe": {"operationId": "refusedPartnerMessages",
                              "message": {"$ref": "#/components/messages/DeadLetter"}},
            },
        },
        "components": {
            "schemas": _schemas(),
            "messages": {
                name: {"name": name, "contentType": "application/json",
                       "payload": {"$ref": f"#/components/schemas/{name}"},
                       "bindings": {"amqp": {"deliveryMode": 2}}}
                for name in ("SubmitReferral", "PartnerUpdate", "DeadLetter")},
        },
    }
