"""The portal's templates rendered without a service, for the unit tests that hold every word
they say to words.py (a key missing would show as itself)."""
from services.portal import words
from services.portal.visit import TEMPLATES


class Session:
    csrf = "token"
    subject, role, org = "carla", "coordinator", "o"


def missing_words(template, language, saying=None, **values):
    """(the keys `template` said that words.py does not have, the HTML) in `language`, every
    step offered (`may`). `saying(say)`: more values made with the same words, checked too."""
    said = words.words(language)
    missing = []

    def say(key):
        if key not in words.TEXTS:
            missing.append(key)
        return said(key)
    html = TEMPLATES.get_template(template).render(
        say=say, language=language, session=Session(), path="/", may=lambda _: True,
        message=lambda text: text, **(saying(say) if saying else {}), **values)
    return missing, html
