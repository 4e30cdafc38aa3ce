"""The aftercare plan as the API shows it (kring.contracts.aftercare.AftercareView), in plain
JSON types.

Only the coordinator works with aftercare, so the contact notes and end notes are shown in full.
Contacts come in the order they happen: scheduled ones by due day, extras by the day they were.
"""


def view(plan):
    return {
        "aftercare_id": plan.aftercare_id,
        "referral_id": plan.referral_id,
        "case_id": plan.case_id,
        "status": plan.status,
        "severity": plan.severity,
        "receiving_party": {"kind": plan.receiving_kind, "name": plan.receiving_name},
        "started_on": plan.started_on.isoformat(),
        "ends_on": plan.ends_on.isoformat(),
        "end_notes": plan.end_notes,
        "support_figures": plan.support_figures,
        "contacts": [{"due_on": _iso(c.due_on), "done_on": _iso(c.done_on),
                      "overdue": c.overdue, "notes": c.notes,
                      "support_figure_id": c.support_figure_id}
                     for c in sorted(plan.contacts, key=_in_time_order)],
    }


def row(plan):
    """A row of listAftercare: the next contact to make, and whether one is overdue."""
    return {"aftercare_id": plan.aftercare_id, "referral_id": plan.referral_id,
            "case_id": plan.case_id, "status": plan.status,
            "next_contact_on": _iso(plan.next_contact().due_on),
            "overdue": any(c.overdue for c in plan.contacts if c.is_open),
            "ends_on": plan.ends_on.isoformat()}


def _in_time_order(contact):
    return contact.due_on or contact.done_on, contact.number


def _iso(day):
    return day.isoformat() if day else None
