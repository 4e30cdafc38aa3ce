"""A referral's status and timeline as a person reads them (`kring status`)."""
from datetime import datetime, timezone

LABELS = {
    "received": "received",
    "intake_done": "intake done",
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
}


def label(status):
    return LABELS.get(status, status.replace("_", " "))


def when(at):
    moment = datetime.fromisoformat(at.replace("Z", "+00:00"))
    if moment.tzinfo is None:  # Kring only writes UTC; a bare time is one of ours
        moment = moment.replace(tzinfo=timezone.utc)
    moment = moment.astimezone(timezone.utc)
    return moment.strftime("%Y-%m-%d %H:%M UTC")


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
    return "\n".join(lines)
