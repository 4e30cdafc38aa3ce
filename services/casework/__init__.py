"""Casework: the family's trajectory with one fixed supporter, from the match to the handover."""
