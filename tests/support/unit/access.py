"""Callers as the HTTP entrypoint makes them (kring.kit.web), for the unit tests of use cases."""
from kring.kit.access import Caller
from kring.kit.auth import Identity


def caller(operation_id, org, role, subject=None, target_id=None):
    """A person of `org` in `role` calling `operation_id`; by default named after both."""
    return Caller(Identity(org, role, subject or f"{role}-of-{org}"), operation_id,
                  target_id=target_id)


def call(uow, use_case, who, *args):
    """Run an HTTP use case as its entrypoint does: `who` rides on the unit of work, which
    records the call in the transaction that reaches the referral. A failed call is recorded
    afterwards by the Database provider, which is not here: none is written."""
    uow.caller = who
    try:
        return use_case(uow, who, *args)
    finally:
        uow.caller = None

