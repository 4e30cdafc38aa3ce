"""The matching service's schema revisions (kring.kit.migrations; README.md "Upgrading")."""
