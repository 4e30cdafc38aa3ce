"""What the integration tests of each service (tests/integration/<service>/) share: the events
they feed it, the calls they make, the tokens they make them with."""
