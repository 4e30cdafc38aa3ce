"""HTTP bodies and operations of the matching service (CONTRACT §4)."""
from kring.contracts.operation import PREFIX, Operation  # noqa: F401

OPERATIONS = []
