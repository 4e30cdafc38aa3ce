"""The words of a notice, in Dutch and English (pure data; the templates do the layout).

Subjects stay ASCII on purpose: a referrer's mail filters match on the referral id and
external_ref in the raw header, which an encoded-word would hide.
"""
from datetime import datetime

SUBJECTS = {
    "nl": {"start": "Kring: ondersteuning gestart - aanmelding {ref} ({id})",
           "closure": "Kring: aanmelding afgesloten - {ref} ({id})",
           "answer": "Kring: antwoord op uw consultatievraag ({id})",
           "confirmation": "Kring: bevestig uw aanmelding ({id})",
           "start-family": "Kring: uw ondersteuning is gestart ({id})",
           "closure-family": "Kring: uw aanmelding is afgesloten ({id})"},
    "en": {"start": "Kring: support started - referral {ref} ({id})",
           "closure": "Kring: referral closed - {ref} ({id})",
           "answer": "Kring: your consultation request was answered ({id})",
           "confirmation": "Kring: please confirm your application ({id})",
           "start-family": "Kring: your support has started ({id})",
           "closure-family": "Kring: your application has been closed ({id})"},
}

STATUS = {
    "nl": {"start": "gestart", "closure": "afgesloten", "answer": "beantwoord",
           "confirmation": "wacht op bevestiging"},
    "en": {"start": "started", "closure": "closed", "answer": "answered",
           "confirmation": "awaiting confirmation"},
}

OUTCOMES = {
    "nl": {"completed": "afgerond: de ondersteuning is voltooid",
           "declined": "niet gestart: na de intake past de aanmelding niet bij het programma",
           "withdrawn": "ingetrokken: de ondersteuning is gestopt of niet begonnen"},
    "en": {"completed": "completed: the support has come to its end",
           "declined": "not started: after intake the referral did not fit the programme",
           "withdrawn": "withdrawn: the support stopped or did not begin"},
}

MONTHS = {
    "nl": ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
           "september", "oktober", "november", "december"),
    "en": ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"),
}


def date(occurred_at, language):
    """'20 november 2026' / '20 November 2026' from an ISO 8601 moment (its UTC date)."""
    moment = datetime.fromisoformat(str(occurred_at).replace("Z", "+00:00"))
    return f"{moment.day} {MONTHS[language][moment.month - 1]} {moment.year}"


def moment(at, language):
    """'21 november 2026, 14:05 UTC' from an ISO 8601 moment."""
    when = datetime.fromisoformat(str(at).replace("Z", "+00:00"))
    return f"{date(at, language)}, {when:%H:%M} UTC"
