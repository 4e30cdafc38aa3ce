"""The referral service's schema revisions (kring.kit.migrations; README.md "Upgrading")."""
