"""The base of the services' repositories: aggregates in and out of a unit of work.

A repository remembers every aggregate it hands out or takes in; when the unit of work
commits, it collects the domain events those aggregates recorded and stores them in the outbox,
translated by the service's outgoing table. So a use case loads, asks the domain, saves, and
never publishes by hand.
"""


class Repository:
    def __init__(self, uow):
        self.session = uow.session
        # by identity, in the order first seen: one lookup per aggregate, however many are listed
        self._seen = {}
        uow.track(self)

    def _to_domain(self, row):
        raise NotImplementedError

    def _load(self, row):
        """The aggregate of `row`, remembered."""
        return self.remember(self._to_domain(row))

    def remember(self, aggregate):
        self._seen.setdefault(id(aggregate), aggregate)
        return aggregate

    def _one(self, query, for_update=False):
        """The one aggregate `query` selects, or None. `for_update` locks its row until commit:
        a request and an event changing one aggregate at once must not both win."""
        if for_update:
            query = query.with_for_update()
        row = self.session.execute(query).scalar_one_or_none()
        return self._load(row) if row else None

    def new_events(self):
        """(aggregate, event) for every domain event the seen aggregates recorded, in order;
        each is taken off its aggregate, so it is collected once."""
        for aggregate in self._seen.values():
            events = getattr(aggregate, "events", None) or []
            while events:
                yield aggregate, events.pop(0)
