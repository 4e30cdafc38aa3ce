"""What the `kring` command shows a person: a referral's status and timeline (`kring status`),
its notices, its audit trail (`kring audit`), its erasure (`kring erase`) and the provider
directory (`kring provider`)."""
from datetime import datetime, timezone

LABELS = {
    "received": "received",
    "intake_done": "intake done",
    "awaiting_commission": "waiting for the municipality's commission",
    "commissioned": "commissioned by the municipality",
    "not_commissioned": "not commissioned by the municipality",
    "matching": "matching",
    "proposal_made": "supporter proposed",
    "proposal_declined": "proposal declined",
    "waitlisted": "on the waiting list",
    "matched": "family and supporter said yes",
    "in_progress": "support started",
    "case_closed": "closing conversation held",
    "handed_over": "handed over",
    "case_reopened": "casework reopened",
    "aftercare": "aftercare",
    "withdrawn": "withdrawn",
    "closed": "closed",
    "erased": "the family's data erased",
}


def label(status):
    return LABELS.get(status, status.replace("_", " "))


def when(at, seconds=False):
    moment = datetime.fromisoformat(at.replace("Z", "+00:00"))
    if moment.tzinfo is None:  # Kring only writes UTC; a bare time is one of ours
        moment = moment.replace(tzinfo=timezone.utc)
    moment = moment.astimezone(timezone.utc)
    return moment.strftime("%Y-%m-%d %H:%M:%S UTC" if seconds else "%Y-%m-%d %H:%M UTC")


def describe(referral):
    status = label(referral["status"])
    if referral.get("outcome"):
        status += f" ({referral['outcome']})"
    lines = [f"Referral {referral['referral_id']}",
             f"  programme {referral['programme']}, reference {referral['external_ref']}",
             f"  status:   {status}"]
    ids = [f"{name.replace('_id', '')} {referral[name]}"
           for name in ("proposal_id", "case_id", "aftercare_id") if referral.get(name)]
    if ids:
        lines.append(f"  links:    {', '.join(ids)}")
    lines.append("  timeline:")
    for entry in referral["timeline"]:
        detail = f" — {entry['detail']}" if entry.get("detail") else ""
        lines.append(f"    {when(entry['at'])}  {label(entry['status'])}{detail}")
    return "\n".join(lines)


def describe_erasure(state):
    """Where the erasure of a referral stands: each service and when it erased its part."""
    by = state["erased_by"]
    lines = [f"Referral {state['referral_id']}: the family's data erased "
             f"{when(state['erased_at'], seconds=True)}, asked by {by['role']} of "
             f"{by['organisation']}",
             f"  {'referral':<10} erased {when(state['erased_at'], seconds=True)}"]
    for service, at in state["reported"].items():
        lines.append(f"  {service:<10} erased {when(at, seconds=True)}")
    for service in state["waiting_for"]:
        lines.append(f"  {service:<10} not reported yet")
    lines.append("  complete" if state["complete"] else "  incomplete")
    return "\n".join(lines)


def describe_notices(referral_id, notices):
    if not notices:
        return f"Referral {referral_id}: no notices (yet)"
    lines = [f"Notices of referral {referral_id}"]
    for notice in notices:
        where = " ".join(filter(None, [notice.get("channel"), notice.get("recipient")]))
        lines.append(f"  {notice['kind']:<8} {notice['status']:<10} {where}".rstrip())
        if notice.get("reason"):  # e.g. suppressed: the referrer did not ask to be told
            lines.append(f"           why: {notice['reason']}")
        if notice.get("location"):  # the .eml file, or the SMTP server's answer
            lines.append(f"           at: {notice['location']}")
        if notice.get("attempts"):
            lines.append(f"           attempts: {notice['attempts']}"
                         + (f", last error: {notice['last_error']}"
                            if notice.get("last_error") else ""))
        if notice.get("sent_at"):
            lines.append(f"           sent {when(notice['sent_at'])}")
        if notice.get("mail"):  # `kring notices --mail`: the file's mail, opened
            lines += ["           | " + line for line in notice["mail"].splitlines()]
    return "\n".join(lines)


TRAIL_COLUMNS = ("time", "service", "operation", "person", "organisation", "role", "answer")


def describe_trail(referral_id, entries):
    """The audit trail as a table, oldest first."""
    if not entries:
        return f"Referral {referral_id}: nothing recorded"
    rows = [TRAIL_COLUMNS] + [
        (when(entry["at"], seconds=True), entry["service"], entry["operation"],
         entry["person"], entry["organisation"], entry["role"], str(entry["answer"]))
        for entry in entries]
    widths = [max(len(row[column]) for row in rows) for column in range(len(TRAIL_COLUMNS))]
    lines = [f"Audit trail of referral {referral_id}"]
    lines += ["  " + "  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip()
              for row in rows]
    return "\n".join(lines)


def describe_programmes(listing):
    """The providers of `listing` (a ProgrammeList), one block each."""
    place = listing["municipality"]
    where = f" in {place['name']} ({place['code']})" if place else ""
    if not listing["providers"]:
        return f"No programme is provided{where}."
    lines = [f"Providers{where}:"]
    for provider in listing["providers"]:
        areas = ", ".join(f"{m['name']} ({m['code']})" for m in provider["municipalities"])
        lines += [f"  {provider['programme']} by {provider['organisation']} "
                  f"({provider['name']})" + (", waiting list" if provider["waiting_list"]
                                             else ""),
                  f"      municipalities: {areas}",
                  f"      languages: {', '.join(provider['languages'])}"]
    return "\n".join(lines)


def describe_registered(number, entry, answer):
    """One line per entry of `kring provider register`: registered, or why not."""
    if "error" not in answer:
        count = len(answer["municipalities"])
        return (f"registered {answer['programme']} by {answer['organisation']} in {count} "
                f"municipalit{'y' if count == 1 else 'ies'}")
    error = answer["error"]
    named = f" ({entry.get('programme')} by {entry.get('organisation')})" \
        if isinstance(entry, dict) else ""
    why = field_errors(error["errors"]) if error.get("errors") else error["message"]
    return f"kring: entry {number}{named} refused ({error['status']}): {why}"


def field_errors(errors, within=""):
    """Field errors (marshmallow's shape, as in a 422 answer) as one line for a person."""
    if isinstance(errors, dict):
        return "; ".join(field_errors(value, f"{within}.{name}" if within else str(name))
                         for name, value in errors.items())
    messages = ", ".join(str(message) for message in errors) if isinstance(errors, list) \
        else str(errors)
    return f"{within}: {messages}" if within else messages
