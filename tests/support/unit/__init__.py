"""What the unit tests of each service (tests/unit/<service>/) share: its aggregates built
through the domain's own steps, and its use cases driven on a unit of work."""
