"""The page the link in the confirmation e-mail opens (confirmSelfReferralLink): the same
confirmation as confirmSelfReferral, answered in a few words for a person, in Dutch and
English (the link carries no language). An unknown or expired token is the usual JSON 404."""
from html import escape

from werkzeug.wrappers import Response

PAGE = """<!DOCTYPE html>
<html lang="nl"><head><meta charset="utf-8"><title>Kring</title></head>
<body>
<p lang="nl">Dank u. Uw aanmelding is bevestigd en doorgestuurd naar de co&ouml;rdinator,
die contact met u opneemt. Kenmerk: {referral_id}</p>
<p lang="en">Thank you. Your application is confirmed and passed on to the coordinator, who
will contact you. Reference: {referral_id}</p>
</body></html>
"""


def confirmation_page(confirm):
    """`confirm()` answers (status, {"referral_id", "status"}) or raises (a 404)."""
    status, answer = confirm()
    return Response(PAGE.format(referral_id=escape(answer["referral_id"])), status=status,
                    content_type="text/html; charset=utf-8",
                    headers={"Cache-Control": "no-store"})
