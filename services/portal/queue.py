"""The coordinator's work queue (/queue) and a supporter's cases (/my-cases).

The queue is six lists of the API, each a section of its own with a table and its own "more":
new referrals to meet (listReferrals, status received), proposals waiting for answers
(listProposals), the waiting list (listWaitingList), open cases with the safety concerns first
and the cases to hand over (listCases, status open and closing), and the aftercare contacts due
and overdue (listAftercare). A section is offered to the roles in its operation's row of the
rule table; the API decides what is in it. "More" asks the section's next page with the
`next_cursor` the API gave (/queue/<section>?cursor=...): for htmx the rows alone, else a page
of that one section.
"""
from dataclasses import dataclass, field
from urllib.parse import urlencode

PAGE_SIZE = 20


@dataclass(frozen=True)
class Section:
    name: str  # its words are `queue_<name>` and `queue_<name>_empty`, its rows `kind`'s
    operation_id: str
    rows: str  # the key of the answer's rows
    kind: str  # how a row shows (queue_rows.j2)
    query: dict = field(default_factory=dict)
    # offered to the roles of this operation's row: new referrals are the intake's to meet
    # (a referrer lists its own referrals, and may not filter them by status)
    offer: str | None = None

    @property
    def offered_by(self):
        return self.offer or self.operation_id


SECTIONS = (
    Section("intake", "listReferrals", "referrals", "referral", {"status": "received"},
            offer="recordIntake"),
    Section("proposals", "listProposals", "proposals", "proposal"),
    Section("waiting", "listWaitingList", "referrals", "waiting"),
    Section("cases", "listCases", "cases", "case", {"status": "open"}),
    Section("closing", "listCases", "cases", "case", {"status": "closing"}),
    Section("aftercare", "listAftercare", "aftercare", "aftercare"),
)
# the columns of each kind of row, by their words (queue_rows.j2 fills them)
COLUMNS = {
    "referral": ("reference", "programme", "received_at", "actions"),
    "proposal": ("supporter", "waiting_for", "proposed_at", "actions"),
    "waiting": ("programme", "severity", "waiting_since", "actions"),
    "case": ("signals", "status", "severity", "opened_at", "actions"),
    "aftercare": ("next_contact", "signals", "aftercare_end", "actions"),
    # the municipality's commission requests (commissions.py)
    "commission": ("programme", "coordinating_org", "severity", "commission_state",
                   "asked_at", "actions"),
}
BY_NAME = {section.name: section for section in SECTIONS}
MY_CASES = Section("my_cases", "listCases", "cases", "case")


def queue(visit):
    """Every section the person's role may see, its first page each."""
    return sections_page(visit, SECTIONS, lambda section: "/queue/" + section.name,
                         "queue.j2")


def sections_page(visit, sections, path_of, template):
    """The first page of each of `sections` the person's role may see, on one page;
    `path_of(section)` the address of a section's own pages."""
    refused = visit.refused()
    if refused:
        return refused
    offered = [section for section in sections if visit.may(section.offered_by)]
    if not offered:
        return visit.error_page(403)
    shown = []
    for section in offered:
        listed = listing(visit, section, None)
        if not listed.ok:
            return visit.from_api(listed)
        shown.append(shown_section(visit, section, listed, path_of(section)))
    return visit.render(template, sections=shown)


def queue_section(visit, section):
    """The next page of one section: its rows for htmx, else a page of its own."""
    return one_section(visit, BY_NAME.get(section), "/queue/" + section)


def my_cases(visit):
    """A supporter's cases (its own, while it takes part: listCases' row), or a page of
    them."""
    return one_section(visit, MY_CASES, "/my-cases")


def one_section(visit, section, path):
    """One section's page at `path` (which may carry a query of its own), `?cursor=` its
    next: for htmx the rows alone, else a page of that section."""
    refused = visit.refused(section.offered_by if section else None)
    if refused:
        return refused
    if section is None:
        return visit.error_page(404)
    cursor = visit.request.args.get("cursor")
    listed = listing(visit, section, cursor)
    if listed.status == 422:  # a cursor this list never gave: no such page
        return visit.error_page(404)
    if not listed.ok:
        return visit.from_api(listed)
    shown = shown_section(visit, section, listed, path)
    if visit.request.headers.get("HX-Request") == "true" and cursor:
        return visit.render("queue_rows.j2", section=shown)  # the next rows, for htmx
    return visit.render("queue_section.j2", section=shown)


def listing(visit, section, cursor):
    return visit.api.call(section.operation_id, query={
        "limit": PAGE_SIZE, **section.query, **({"cursor": cursor} if cursor else {})})


def shown_section(visit, section, listed, path):
    next_cursor = listed.body.get("next_cursor")
    return {"name": section.name, "kind": section.kind, "columns": COLUMNS[section.kind],
            "rows": listed.body[section.rows],
            "more": _with_cursor(path, next_cursor) if next_cursor else None,
            "may_meet": visit.may("recordIntake")}


def _with_cursor(path, cursor):
    return f"{path}{'&' if '?' in path else '?'}{urlencode({'cursor': cursor})}"
