"""Kring: closed-loop referrals for Dutch family-support programmes (shared package)."""
