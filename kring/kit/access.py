"""The rule table applied: who reaches what (kring.contracts.access, docs/security.md).

The HTTP entrypoint checks the role and hands the method a `Caller`. The service looks the thing
up, says who owns it (`Owner`) and asks `caller.reach(owner, missing)`: what is out of reach
raises exactly the NotFound an unknown id raises (and a referral the stage has not heard of
yet, `caller.reach_unheard`, by the same rule). The caller also remembers which referral it
reached, so the unit of work can write the audit record in the transaction of the change.
"""
from dataclasses import dataclass

from kring.contracts.access import (ANYONE, OWN_CASE, OWN_MUNICIPALITY, OWN_ORG, REFERRING,
                                    ROUTED, rule_of)
from kring.errors import NotFound, NotReady


@dataclass(frozen=True)
class Owner:
    """Whose a thing is. Every field that the rule of an operation may ask about."""
    referral_id: str | None = None
    org: str | None = None  # a supporter's organisation; a new referral's referring one
    referring_org: str | None = None
    coordinating_org: str | None = None  # the route: the provider's organisation
    supporter_id: str | None = None
    open: bool = False  # a case a supporter still works on
    municipality_code: str | None = None  # the family's municipality (CBS code)


# who calls a public operation that the audit trail records (docs/security.md "The audit
# trail"): nobody signed in, so a person and an organisation of their own
PUBLIC_ORGANISATION, PUBLIC_PERSON, PUBLIC_ROLE = "public", "applicant", "public"


class Caller:
    """Who calls which operation; what they reached and the answer, for the audit trail.
    `remote`: the caller's address (kring.kit.remote), for a public operation's limits."""

    remote = None

    def __init__(self, identity, operation_id, referral_id=None, target_id=None):
        self.identity = identity
        self.operation_id = operation_id
        self.rule = rule_of(operation_id)
        self.referral_id = referral_id
        self.target_id = target_id
        self.answer = None  # the status to record when it is not the operation's usual one
        self.recorded = False
        # called with each referral the caller reaches: the unit of work's refusal of a change
        # to an erased referral (kring.kit.db)
        self.guard = None

    org = property(lambda self: self.identity.org)
    role = property(lambda self: self.identity.role)
    subject = property(lambda self: self.identity.subject)

    @property
    def audited(self):
        return self.rule.audited

    def about(self, referral_id):
        """The referral this call is about, when no reach is to be checked: the caller's own
        new referral, or the first one of its own external_ref."""
        self.referral_id = referral_id

    def reach(self, owner, missing):
        """`owner` if the caller reaches it, else `missing` (a NotFound) raised; an owner of
        None is an id that does not exist, answered the same way."""
        if owner is not None and owner.referral_id:
            self.referral_id = owner.referral_id
        if owner is None or not reaches(self.identity, self.rule.reach.get(self.role), owner):
            raise missing if isinstance(missing, NotFound) else NotFound(missing)
        if self.guard is not None and owner.referral_id:  # only once it is the caller's to see
            self.guard(owner.referral_id)
        return owner

    def scope(self):
        """The caller's reach as a query's filter (`scope_of`), for a list or a count."""
        return scope_of(self.identity, self.rule.reach.get(self.role))

    def reach_unheard(self, owner, missing):
        """The answer for a referral this stage has not heard of yet, `owner` being whose it is
        as the referral service says (kring.kit.unheard; None: it has no such referral).
        Always raises: NotReady (409 `not_ready`) when the caller will reach it once the stage
        has heard, else `missing`, exactly as for an unknown id. The reach is this table's, so
        a `not_ready` tells nothing to whom may not see the referral."""
        self.reach(owner, missing)
        raise NotReady()

    def __repr__(self):
        return f"Caller({self.subject!r} of {self.org!r} as {self.role}, {self.operation_id})"


def reaches(identity, reach, owner):
    if reach == ANYONE:
        return True
    if reach == OWN_ORG:
        return owner.org == identity.org
    if reach == REFERRING:
        return owner.referring_org == identity.org
    if reach == ROUTED:
        return owner.coordinating_org is not None and owner.coordinating_org == identity.org
    if reach == OWN_CASE:  # the person, of the organisation the case is routed to
        return owner.open and owner.supporter_id == identity.subject and \
            owner.coordinating_org is not None and owner.coordinating_org == identity.org
    if reach == OWN_MUNICIPALITY:  # a municipality token's org is its CBS code
        return owner.municipality_code is not None and owner.municipality_code == identity.org
    return False


def scope_of(identity, reach):
    """What `reaches` asks of one thing, as the filter of a query over many: a column of the
    Owner's name -> the value it must have. A reach that no filter can say raises, so a list
    never shows more than the rule allows."""
    filters = {
        ANYONE: {},
        OWN_ORG: {"org": identity.org},
        REFERRING: {"referring_org": identity.org},
        ROUTED: {"coordinating_org": identity.org},
        OWN_MUNICIPALITY: {"municipality_code": identity.org},
        OWN_CASE: {"supporter_id": identity.subject, "coordinating_org": identity.org,
                   "open": True},
    }
    if reach not in filters or (reach != ANYONE and not identity.org):
        raise ValueError(f"no query filter for reach {reach!r} of {identity!r}")
    return filters[reach]
