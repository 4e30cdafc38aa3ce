"""The base of the services' repositories: aggregates in and out of a unit of work's session."""


class Repository:
    def __init__(self, session):
        self.session = session

    def _to_domain(self, row):
        raise NotImplementedError

    def _one(self, query, for_update=False):
        """The one aggregate `query` selects, or None. `for_update` locks its row until commit:
        a request and an event changing one aggregate at once must not both win."""
        if for_update:
            query = query.with_for_update()
        row = self.session.execute(query).scalar_one_or_none()
        return self._to_domain(row) if row else None
