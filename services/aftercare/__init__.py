"""The aftercare service (nazorg): agreed contacts after the handover, then closure."""
