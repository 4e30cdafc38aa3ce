"""Every page of the portal: its methods, its path and the function that answers it. The
service (service.py) makes a nameko entrypoint of each row; a new page is a row here."""
from services.portal import (aftercare, cases, pages, providers, referrals, reports,
                             supporters)

ROUTES = (
    # name, methods, path, page
    ("home", "GET", "/", pages.home),
    ("login_page", "GET", "/login/<token>", pages.login_page),
    ("login", "POST", "/login/<token>", pages.login),
    ("logout", "POST", "/logout", pages.logout),
    ("language", "GET", "/language", pages.switch_language),
    ("refer", "GET,POST", "/refer", referrals.new_referral),
    ("referrals", "GET", "/referrals", referrals.referral_list),
    ("queue", "GET", "/queue", referrals.queue),
    ("referral", "GET", "/referrals/<referral_id>", referrals.referral),
    ("intake", "GET,POST", "/referrals/<referral_id>/intake", referrals.intake),
    ("respond", "POST", "/proposals/<proposal_id>/responses", referrals.respond),
    ("withdraw", "POST", "/referrals/<referral_id>/withdraw", referrals.withdraw),
    ("withdraw_consent", "POST", "/referrals/<referral_id>/consent-withdrawal",
     referrals.withdraw_consent),
    ("reports", "GET", "/reports", reports.reports),
    ("reports_csv", "GET", "/reports.csv", reports.reports_csv),
    ("case", "GET", "/cases/<case_id>", cases.case),
    ("case_step", "POST", "/cases/<case_id>/<step>", cases.case_step),
    ("resolve_concern", "POST", "/cases/<case_id>/safety-concerns/<concern_id>/resolve",
     cases.resolve_concern),
    ("remove_figure", "POST", "/cases/<case_id>/support-figures/<figure_id>/remove",
     cases.remove_figure),
    ("change_figure", "POST", "/cases/<case_id>/support-figures/<figure_id>/change",
     cases.change_figure),
    ("aftercare", "GET", "/aftercare/<aftercare_id>", aftercare.aftercare),
    ("aftercare_step", "POST", "/aftercare/<aftercare_id>/<step>", aftercare.aftercare_step),
    ("supporters", "GET,POST", "/supporters", supporters.supporters),
    ("supporter", "GET,POST", "/supporters/<supporter_id>", supporters.supporter),
    ("directory", "GET,POST", "/directory", providers.directory),
)
