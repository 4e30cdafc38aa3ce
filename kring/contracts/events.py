"""The event envelope and one schema per event.

Events carry codes and ids, never free text and never contact details, except what the
receiving service needs to do its job: referral_received alone carries the referrer's address,
language and reference and the consent flag, for notify (docs/contract.md §7 "Data in motion"),
and consultation_answered the requester's address and language, for the same reason.
A free text a person typed (a reason, a note) stays in the service it was typed into.

Every event travels as an envelope: `event_id` (unique, for idempotent consumers), `type`,
`version`, `occurred_at`, `referral_id` (the correlation id through the whole flow) and `data`,
validated against the event's own schema when it is made, so a producer can never publish what
its consumers cannot read. Events are named in the past tense and routed as
`(source_service, type)`. An envelope may also carry `correlation_id`: the request or event
that caused it, to follow one thing through the services (docs/contract.md §8); a consumer
reads an envelope without it as well.
"""
import uuid
from dataclasses import dataclass, field

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate

from kring.clock import iso, utcnow
from kring.contracts.fields import one

SEVERITIES = ("low", "medium", "high")
OUTCOMES = ("completed", "declined", "withdrawn")
PARTIES = ("family", "supporter")
RECEIVING_KINDS = ("municipality", "local_partner")
# the stages that hold parts of a referral and answer its erasure (referral_erased)
ERASING_STAGES = ("matching", "casework", "aftercare", "notify")
WAITLIST_REASONS = ("no_candidate",)


class ReferralReceived(Schema):
    """What the flow downstream needs of a new referral, and nothing about the family's identity:
    matching gets area, languages and domains; notify gets the referrer's address and consent."""
    programme = fields.String(required=True)
    organisation = fields.String(required=True)
    external_ref = fields.String(required=True)
    municipality = fields.String(required=True)
    languages = fields.List(fields.String(), required=True)
    domains = fields.List(fields.String(), required=True)
    urgency = fields.String(required=True)
    referrer_email = fields.Email(required=True)
    referrer_language = fields.String(required=True)
    referrer_organisation = fields.String(required=True)
    share_status_with_referrer = fields.Boolean(required=True)
    partner = fields.String(allow_none=True, load_default=None)
    # a keyed hash of the family's phone: lets matching recognise an earlier supporter of the
    # same family without ever seeing who the family is
    family_key = fields.String(required=True)
    # the route: the organisation that provides the programme in the family's municipality
    # coordinates this referral (docs/contract.md §7). None only in events sent before routing.
    coordinating_org = fields.String(allow_none=True, load_default=None)
    municipality_code = fields.String(allow_none=True, load_default=None)
    # the family applied itself (submitSelfReferral): the referrer_* fields are then the
    # applicant's address and language, and referrer_organisation is empty
    self_referred = fields.Boolean(load_default=False)


class ReferralRouted(Schema):
    """A referral stored before routing existed got its route from the directory: the stages
    that hold parts of it learn whose they are (docs/security.md "Routing: whose referral is
    it"). A new referral carries its route in referral_received instead."""
    coordinating_org = fields.String(required=True)
    municipality_code = fields.String(required=True)


class ReferralWithdrawn(Schema):
    by_role = fields.String(required=True)


class ConsentWithdrawn(Schema):
    """The family withdrew its consent to share the referral's status: from now on nothing
    goes to the referrer or the partner (docs/contract.md §7 "Consent"). No data: who withdrew
    and why stay with the referral; that it happened, and when (occurred_at), is all a
    consumer needs."""


class ReferralClosed(Schema):
    outcome = fields.String(required=True, validate=validate.OneOf(OUTCOMES))
    coordinating_org = fields.String(allow_none=True, load_default=None)
    # when the case started, as the referral had heard before it closed (None: it never did).
    # case_started travels on another queue and may arrive after this event; with this, a
    # consumer still knows the start came first (notify owes the start notice then).
    case_started_at = fields.AwareDateTime(allow_none=True, load_default=None)
    # which retention period applies (docs/contract.md §2): every stage keeps the referral's
    # data that long after this moment (None only in events sent before it was said)
    programme = fields.String(allow_none=True, load_default=None)


class ReferralCommissioned(Schema):
    """The municipality commissioned the support (a beschikking, docs/contract.md §4
    "Commissions"): matching starts as after a fitting intake. A no travels as referral_closed
    (`declined`); the reason for it stays in the referral service."""
    municipality_code = fields.String(required=True)


class ReferralErased(Schema):
    """The referral's data is to be erased (on request, docs/contract.md §4 eraseReferral, or
    at the end of its retention period): every stage erases its part, keeps a marker, and
    answers with its `erasure_done`. Who asked stays in the referral's audit trail only."""
    erased_at = fields.AwareDateTime(required=True)


class ErasureDone(Schema):
    """A stage erased its part of a referral (its answer to referral_erased)."""
    erased_at = fields.AwareDateTime(required=True)


class ConsultationAnswered(Schema):
    """A consultation request was answered (docs/contract.md §4 "Consultations"): the requester
    is to be told by e-mail. The envelope's `referral_id` carries the consultation's id (there
    is no referral); never the question or the answer, which stay in the referral service."""
    round = fields.Integer(required=True, validate=validate.Range(min=1))
    programme = fields.String(required=True)
    organisation = fields.String(required=True)  # the requesting organisation
    coordinating_org = fields.String(required=True)
    requester_email = fields.Email(required=True)
    requester_language = fields.String(required=True)


class SelfReferralSubmitted(Schema):
    """A family's own application awaits confirmation (docs/contract.md §4 "Self-referral"):
    notify sends the applicant the e-mail with the token. The envelope's `referral_id` is the
    application's id (there is no referral yet). It carries the one secret an event carries,
    because the e-mail needs it: its outbox row goes once the application is confirmed or
    expired, and no service logs it."""
    programme = fields.String(required=True)
    applicant_email = fields.Email(required=True)
    applicant_language = fields.String(required=True)
    token = fields.String(required=True)
    expires_at = fields.AwareDateTime(required=True)


class IntakeRecorded(Schema):
    fits = fields.Boolean(required=True)
    severity = fields.String(allow_none=True, validate=validate.OneOf(SEVERITIES))
    coordinator_org = fields.String(required=True)
    # it fits, and its programme needs a municipal commission (docs/contract.md §2
    # "Programmes"): matching waits for referral_commissioned instead of proposing. Sent only
    # when true; left out, as in events sent before commissions existed, it is false.
    commission_required = fields.Boolean()


class ProposalMade(Schema):
    """The proposal's reasons ("speaks tr", "supported this family before") say things about
    the family: they stay in matching, where the coordinator reads them."""
    proposal_id = fields.String(required=True)
    supporter_id = fields.String(required=True)


class ProposalDeclined(Schema):
    proposal_id = fields.String(required=True)
    party = fields.String(required=True, validate=validate.OneOf(PARTIES))


class ReferralWaitlisted(Schema):
    # a code, not words: one of WAITLIST_REASONS ("no_candidate": nobody with free capacity
    # fits yet). Not enforced on reading: events sent before it was a code still read.
    reason = fields.String(allow_none=True, load_default=None)


class MatchMade(Schema):
    proposal_id = fields.String(required=True)
    supporter_id = fields.String(required=True)
    supporter_kind = fields.String(required=True)
    severity = fields.String(required=True, validate=validate.OneOf(SEVERITIES))
    coordinator_org = fields.String(required=True)
    # the referral's programme code (None in events sent before matches named it)
    programme = fields.String(allow_none=True, load_default=None)


class CaseStarted(Schema):
    case_id = fields.String(required=True)
    supporter_id = fields.String(required=True)
    severity = fields.String(required=True, validate=validate.OneOf(SEVERITIES))
    coordinator_org = fields.String(required=True)


class SafetyConcernRecorded(Schema):
    """Only that there is one and whether it is immediate: the description stays in casework."""
    case_id = fields.String(required=True)
    immediate = fields.Boolean(required=True)


class CaseClosed(Schema):
    case_id = fields.String(required=True)
    goals_met = fields.Boolean(required=True)


class StayingFigure(Schema):
    figure_id = fields.String(required=True)
    name = fields.String(required=True)
    functions = fields.List(fields.String(), required=True)


class CaseHandedOver(Schema):
    case_id = fields.String(required=True)
    supporter_id = fields.String(required=True)
    receiving_kind = fields.String(required=True, validate=validate.OneOf(RECEIVING_KINDS))
    # the one free text in the stages' events: the name of the organisation that takes the
    # family over (never the family's), which aftercare needs to know whom it follows up with
    receiving_name = fields.String(required=True)
    severity = fields.String(required=True, validate=validate.OneOf(SEVERITIES))
    # the route, so that aftercare knows whose it is (None only in events sent before routing)
    coordinator_org = fields.String(allow_none=True, load_default=None)
    # whose aftercare table applies (kring.programmes); None in events sent before handovers
    # named it, and in a case opened before: the default programme's
    programme = fields.String(allow_none=True, load_default=None)
    # the second exception to "no free text": the support figures who stay involved, recorded
    # with their consent, by name and function only, for aftercare to contact
    # (docs/contract.md §7 "Data in motion")
    support_figures = fields.List(fields.Nested(StayingFigure), load_default=list)


class CaseReopened(Schema):
    case_id = fields.String(required=True)
    supporter_id = fields.String(required=True)


class AftercareStarted(Schema):
    aftercare_id = fields.String(required=True)
    ends_on = fields.Date(required=True)


class AftercareCompleted(Schema):
    aftercare_id = fields.String(required=True)


class RelapseReported(Schema):
    """Aftercare saw the family slide back: casework reopens the case with the same supporter."""
    aftercare_id = fields.String(required=True)
    case_id = fields.String(required=True)


# (source service, event type) -> schema of `data`
EVENTS = {
    ("referral", "referral_received"): ReferralReceived,
    ("referral", "referral_routed"): ReferralRouted,
    ("referral", "referral_withdrawn"): ReferralWithdrawn,
    ("referral", "referral_closed"): ReferralClosed,
    ("referral", "referral_commissioned"): ReferralCommissioned,
    ("referral", "referral_erased"): ReferralErased,
    ("referral", "consent_withdrawn"): ConsentWithdrawn,
    ("referral", "consultation_answered"): ConsultationAnswered,
    ("referral", "self_referral_submitted"): SelfReferralSubmitted,
    ("matching", "intake_recorded"): IntakeRecorded,
    ("matching", "proposal_made"): ProposalMade,
    ("matching", "proposal_declined"): ProposalDeclined,
    ("matching", "referral_waitlisted"): ReferralWaitlisted,
    ("matching", "match_made"): MatchMade,
    ("casework", "case_started"): CaseStarted,
    ("casework", "case_closed"): CaseClosed,
    ("casework", "case_handed_over"): CaseHandedOver,
    ("casework", "case_reopened"): CaseReopened,
    ("casework", "safety_concern_recorded"): SafetyConcernRecorded,
    ("aftercare", "aftercare_started"): AftercareStarted,
    ("aftercare", "aftercare_completed"): AftercareCompleted,
    ("aftercare", "relapse_reported"): RelapseReported,
    **{(stage, "erasure_done"): ErasureDone for stage in ERASING_STAGES},
}


class EventContractError(Exception):
    """A producer tried to emit an event its contract does not allow (a bug, never input)."""


@dataclass(frozen=True)
class Event:
    source: str
    type: str
    referral_id: str
    data: dict
    event_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    version: int = 1
    occurred_at: str = field(default_factory=lambda: iso(utcnow()))
    correlation_id: str | None = None

    def to_message(self):
        """The envelope as it goes on the wire (JSON-ready)."""
        message = {"event_id": self.event_id, "type": self.type, "version": self.version,
                   "occurred_at": self.occurred_at, "referral_id": self.referral_id,
                   "source": self.source, "data": self.data}
        if self.correlation_id is not None:
            message["correlation_id"] = self.correlation_id
        return message


def make_event(source, event_type, referral_id, **data):
    """Build an event, checking `data` against its schema and normalising it to JSON types."""
    schema = EVENTS.get((source, event_type))
    if schema is None:
        raise EventContractError(f"no event {event_type!r} from {source!r} in the contracts")
    try:
        loaded = one(schema).load(data)
    except ValidationError as exc:
        raise EventContractError(f"{source}.{event_type}: {exc.messages}") from exc
    return Event(source, event_type, referral_id, one(schema).dump(loaded))


class Envelope(Schema):
    event_id = fields.String(required=True)
    type = fields.String(required=True)
    version = fields.Integer(required=True)
    # a moment with its offset; read_event prints it back in UTC so the strings sort in time order
    occurred_at = fields.AwareDateTime(required=True)
    referral_id = fields.String(required=True)
    source = fields.String(required=True)
    data = fields.Dict(required=True)
    # what caused it (docs/contract.md §8); older producers leave it out, and one that is
    # not fit to keep is replaced by the consumer (kring.kit.correlation), never refused
    correlation_id = fields.String(load_default=None, allow_none=True)


def read_event(message):
    """Turn a received envelope back into an Event; data is loaded with its schema (dates…).

    Fields this code does not know are left out, not refused: a contract grows by new fields,
    and during a rolling upgrade a newer producer must not make older consumers park every
    event as poison. (make_event stays strict: we never send a field the contract lacks.)"""
    envelope = one(Envelope, unknown=EXCLUDE).load(message)
    schema = EVENTS[(envelope["source"], envelope["type"])]
    return Event(envelope["source"], envelope["type"], envelope["referral_id"],
                 one(schema, unknown=EXCLUDE).load(envelope["data"]), envelope["event_id"],
                 envelope["version"], iso(envelope["occurred_at"]),
                 envelope["correlation_id"])
