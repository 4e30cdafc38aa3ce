"""The contracts every service shares: events, HTTP bodies and the operations of the API."""
