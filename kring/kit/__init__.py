"""The small service kit every Kring service stands on: database, outbox, inbox, web, auth."""
