"""The portal's words: Dutch first, English second. One row a text: key -> (nl, en).

The language is the person's choice (the switch sets a cookie), else the browser's
Accept-Language, else Dutch.
"""
import re

LANGUAGES = ("nl", "en")
DEFAULT = "nl"

TEXTS = {
    "app": ("Kring", "Kring"),
    "skip": ("Naar de inhoud", "Skip to content"),
    "nav": ("Hoofdmenu", "Main menu"),
    "home": ("Start", "Home"),
    "switch": ("English", "Nederlands"),
    "switch_label": ("Switch to English", "Schakel naar Nederlands"),
    "signed_in_as": ("Aangemeld als", "Signed in as"),
    "sign_out": ("Afmelden", "Sign out"),
    "sign_in": ("Aanmelden", "Sign in"),
    "signed_out_title": ("Welkom bij Kring", "Welcome to Kring"),
    "signed_out_text": (
        "U meldt zich aan met de persoonlijke link die u van uw beheerder kreeg. Een link werkt "
        "één keer en 15 minuten lang.",
        "You sign in with the personal link your administrator gave you. A link works once, "
        "for 15 minutes."),
    "link_title": ("Aanmelden bij Kring", "Sign in to Kring"),
    "link_text": ("Met deze link meldt u zich aan als:", "This link signs you in as:"),
    "link_button": ("Aanmelden", "Sign in"),
    "link_gone_title": ("Deze link werkt niet meer", "This link no longer works"),
    "link_gone_text": (
        "De link is al gebruikt, verlopen of onbekend. Vraag uw beheerder om een nieuwe.",
        "The link was used already, has expired or is unknown. Ask your administrator for a "
        "new one."),
    "organisation": ("Organisatie", "Organisation"),
    "role": ("Rol", "Role"),
    "person": ("Persoon", "Person"),
    "role_referrer": ("verwijzer", "referrer"),
    "role_coordinator": ("coördinator", "coordinator"),
    "role_admin": ("beheerder", "administrator"),
    "role_supporter": ("ondersteuner", "supporter"),
    "role_operator": ("operator", "operator"),
    "role_municipality": ("gemeente", "municipality"),
    "role_public": ("aanvrager (zonder account)", "applicant (no account)"),
    "welcome": ("Welkom", "Welcome"),
    "refer": ("Gezin aanmelden", "Refer a family"),
    "my_referrals": ("Mijn aanmeldingen", "My referrals"),
    "referrals": ("Aanmeldingen", "Referrals"),
    "queue": ("Werkvoorraad", "Work queue"),
    "queue_text": (
        "Alles wat op u wacht: nieuwe aanmeldingen, voorstellen, de wachtlijst, trajecten en "
        "nazorg.",
        "Everything waiting for you: new referrals, proposals, the waiting list, cases and "
        "aftercare."),
    "queue_empty": ("Er staan geen nieuwe aanmeldingen klaar.", "No new referrals are waiting."),
    # the work queue's sections (services/portal/queue.py) and a supporter's cases
    "queue_intake": ("Nieuwe aanmeldingen: kennismaken", "New referrals to meet"),
    "queue_intake_empty": ("Er staan geen nieuwe aanmeldingen klaar.",
                           "No new referrals are waiting."),
    "queue_proposals": ("Voorstellen die op antwoord wachten", "Proposals waiting for answers"),
    "queue_proposals_empty": ("Geen voorstel wacht op antwoord.",
                              "No proposal is waiting for an answer."),
    "queue_waiting": ("Wachtlijst", "Waiting list"),
    "queue_waiting_empty": ("Er staat niemand op de wachtlijst.",
                            "Nobody is on the waiting list."),
    "queue_cases": ("Lopende trajecten, zorgen over de veiligheid eerst",
                    "Open cases, safety concerns first"),
    "queue_cases_empty": ("Er lopen geen trajecten.", "There are no open cases."),
    "queue_closing": ("Trajecten om over te dragen", "Cases to hand over"),
    "queue_closing_empty": ("Er wacht geen traject op overdracht.",
                            "No case is waiting to be handed over."),
    "queue_aftercare": ("Nazorgcontacten: gepland en over tijd",
                        "Aftercare contacts due and overdue"),
    "queue_aftercare_empty": ("Er staan geen nazorgcontacten gepland.",
                              "No aftercare contacts are due."),
    "my_cases": ("Mijn trajecten", "My cases"),
    "queue_my_cases": ("Mijn trajecten", "My cases"),
    "queue_my_cases_empty": ("U heeft nu geen trajecten.", "You have no cases now."),
    "waiting_for": ("Wacht op antwoord van", "Waiting for an answer from"),
    "proposed_at": ("Voorgesteld op", "Proposed on"),
    "answer_proposal": ("Voorstel beantwoorden", "Answer the proposal"),
    "waiting_since": ("Op de wachtlijst sinds", "On the waiting list since"),
    "signals": ("Let op", "Please note"),
    "signal_immediate": ("dringende zorg over de veiligheid", "urgent safety concern"),
    "signal_concern": ("zorg over de veiligheid", "safety concern"),
    "signal_check_in": ("check over tijd", "check-in overdue"),
    "signal_evaluation": ("evaluatie over tijd", "evaluation overdue"),
    "next_contact": ("Volgend contact", "Next contact"),
    "list_empty": ("Er zijn nog geen aanmeldingen.", "There are no referrals yet."),
    "more": ("Meer laden", "Load more"),
    "reference": ("Kenmerk", "Reference"),
    "programme": ("Programma", "Programme"),
    "status": ("Status", "Status"),
    "received_at": ("Ontvangen op", "Received on"),
    "actions": ("Acties", "Actions"),
    "open": ("Bekijken", "View"),
    "intake": ("Kennismaking vastleggen", "Record the intake"),
    "status_received": ("ontvangen", "received"),
    "status_matching": ("koppeling gezocht", "matching"),
    "status_waitlisted": ("wachtlijst", "waiting list"),
    "status_in_progress": ("ondersteuning loopt", "support under way"),
    "status_aftercare": ("nazorg", "aftercare"),
    "status_closed": ("afgesloten", "closed"),
    "timeline": ("Verloop", "Timeline"),
    "outcome": ("Uitkomst", "Outcome"),
    "family": ("Gezin", "Family"),
    "question": ("Hulpvraag", "Question"),
    "consent_title": ("Toestemming", "Consent"),
    "referral_title": ("Aanmelding", "Referral"),
    "submitted": ("De aanmelding is ontvangen.", "The referral was received."),
    "intake_saved": ("De kennismaking is vastgelegd.", "The intake was recorded."),
    # the referral form
    "form_intro": (
        "Vul alle velden in. Velden met een sterretje (*) zijn verplicht.",
        "Fill in every field. Fields marked with an asterisk (*) are required."),
    "errors_title": ("Controleer de volgende velden", "Please check these fields"),
    "section_programme": ("Programma", "Programme"),
    "section_referrer": ("U als verwijzer", "You, the referrer"),
    "section_family": ("Het gezin", "The family"),
    "section_request": ("De hulpvraag", "The question"),
    "section_consent": ("Toestemming van het gezin", "The family's consent"),
    "programme_hint": ("De code van het programma, bijvoorbeeld home-start.",
                       "The programme's code, for example home-start."),
    "external_ref": ("Uw eigen kenmerk", "Your own reference"),
    "external_ref_hint": ("Zo herkent u de aanmelding terug; een tweede keer hetzelfde kenmerk "
                          "maakt geen tweede aanmelding.",
                          "How you recognise the referral; the same reference again makes no "
                          "second referral."),
    "referrer.name": ("Uw naam", "Your name"),
    "referrer.organisation": ("Naam van uw organisatie", "Your organisation's name"),
    "referrer.role": ("Uw functie", "Your role"),
    "referrer.email": ("Uw e-mailadres", "Your email address"),
    "referrer.email_hint": ("Hier krijgt u bericht als de ondersteuning begint en eindigt.",
                            "Where you hear when support starts and ends."),
    "referrer.language": ("Taal van uw berichten", "Language of your messages"),
    "family.contact_name": ("Naam van de contactpersoon", "Contact person's name"),
    "family.phone": ("Telefoonnummer", "Phone number"),
    "family.postcode": ("Postcode", "Postcode"),
    "family.postcode_hint": ("Bijvoorbeeld 3511 AB.", "For example 3511 AB."),
    "family.municipality": ("Gemeente", "Municipality"),
    "family.languages": ("Talen die het gezin spreekt", "Languages the family speaks"),
    "family.languages_hint": ("Taalcodes met een spatie of komma ertussen, bijvoorbeeld: nl ar.",
                              "Language codes separated by spaces or commas, e.g.: nl ar."),
    "family.children_ages": ("Leeftijden van de kinderen", "Ages of the children"),
    "family.children_ages_hint": ("In jaren, met een spatie of komma ertussen, bijvoorbeeld: "
                                  "2 5. Mag leeg blijven.",
                                  "In years, separated by spaces or commas, e.g.: 2 5. May "
                                  "stay empty."),
    "request.question": ("De hulpvraag van het gezin", "The family's question"),
    "request.domains": ("Leefgebieden", "Life domains"),
    "request.domains_hint": ("Bijvoorbeeld: parenting finances.",
                             "For example: parenting finances."),
    "request.urgency": ("Urgentie", "Urgency"),
    "urgency_low": ("laag", "low"),
    "urgency_normal": ("normaal", "normal"),
    "urgency_high": ("hoog", "high"),
    "consent_explained": (
        "Ondersteuning is vrijwillig: er gebeurt niets zonder toestemming van het gezin, en het "
        "gezin kan altijd stoppen. Bespreek met het gezin dat hun gegevens naar de "
        "organisatie gaan die het programma in hun gemeente uitvoert, alleen om de hulp te "
        "regelen, en dat die gegevens worden gewist als het gezin daarom vraagt.",
        "Support is voluntary: nothing happens without the family's consent, and the family "
        "can stop at any time. Tell the family that their details go to the organisation that "
        "runs the programme in their municipality, only to arrange the support, and that they "
        "are erased if the family asks."),
    "leaflet_before": (
        "Geef het gezin vóór het instemt de folder van het programma, in een taal die het "
        "leest:",
        "Give the family the programme's leaflet before it agrees, in a language it reads:"),
    "leaflet_link": ("de folder voor gezinnen", "the leaflet for families"),
    "consent.family_consents": (
        "Het gezin geeft toestemming voor deze aanmelding en de ondersteuning",
        "The family consents to this referral and to the support"),
    "consent.share_status_with_referrer": (
        "Het gezin vindt het goed dat ik hoor wanneer de ondersteuning begint en eindigt, en "
        "hoe het ervoor staat",
        "The family agrees that I hear when support starts and ends, and how it stands"),
    "consent.share_hint": (
        "Zonder deze toestemming ziet u alleen dat de aanmelding is ontvangen en wanneer die is "
        "afgesloten.",
        "Without this consent you see only that the referral was received and when it closed."),
    "consent.given_on": ("Datum van de toestemming", "Date consent was given"),
    "submit_referral": ("Aanmelding versturen", "Send the referral"),
    "referrer_gp": ("huisarts", "GP"),
    "referrer_district_nurse": ("wijkverpleegkundige", "district nurse"),
    "referrer_social_worker": ("maatschappelijk werker", "social worker"),
    "referrer_youth_health": ("jeugdgezondheidszorg", "youth health"),
    "referrer_preschool": ("peuteropvang / voorschool", "pre-school"),
    "referrer_youth_care": ("jeugdhulp", "youth care"),
    "referrer_municipality": ("gemeente", "municipality"),
    "referrer_family": ("het gezin zelf", "the family itself"),
    "referrer_other": ("anders", "other"),
    "lang_nl": ("Nederlands", "Dutch"),
    "lang_en": ("Engels", "English"),
    "required": ("verplicht", "required"),
    # the intake form
    "intake_intro": ("Past de hulpvraag bij het programma, na de kennismaking met het gezin?",
                     "Does the question fit the programme, now that you have met the family?"),
    "fits": ("Past de hulpvraag?", "Does the question fit?"),
    "fits_yes": ("Ja: zoek een ondersteuner", "Yes: find a supporter"),
    "fits_no": ("Nee: sluit de aanmelding af", "No: close the referral"),
    "severity": ("Zwaarte", "Severity"),
    "severity_hint": ("Alleen als de hulpvraag past.", "Only when the question fits."),
    "severity_low": ("licht", "low"),
    "severity_medium": ("middel", "medium"),
    "severity_high": ("zwaar", "high"),
    "reason": ("Toelichting", "Reason"),
    "save_intake": ("Kennismaking vastleggen", "Record the intake"),
    # the proposal and the case, on the referral's page
    "proposal": ("Voorstel: een ondersteuner", "Proposal: a supporter"),
    "supporter": ("Ondersteuner", "Supporter"),
    "kind_volunteer": ("vrijwilliger", "volunteer"),
    "kind_professional": ("beroepskracht", "professional"),
    "proposal_open": ("wacht op antwoord", "awaiting answers"),
    "proposal_accepted": ("beide akkoord: de koppeling is gemaakt",
                          "both agreed: the match is made"),
    "proposal_declined": ("afgewezen", "declined"),
    "proposal_cancelled": ("vervallen", "cancelled"),
    "reasons": ("Waarom deze ondersteuner", "Why this supporter"),
    "answer_of": ("Antwoord van", "Answer of"),
    "party_family": ("het gezin", "the family"),
    "party_supporter": ("de ondersteuner", "the supporter"),
    "accept_family": ("Wil het gezin deze ondersteuner?", "Does the family want this supporter?"),
    "accept_supporter": ("Wil de ondersteuner dit gezin steunen?",
                         "Does the supporter want to support this family?"),
    "accept_yes": ("Ja", "Yes"),
    "accept_no": ("Nee", "No"),
    "family.accept": ("Antwoord van het gezin", "The family's answer"),
    "family.reason": ("Toelichting van het gezin", "The family's reason"),
    "supporter.accept": ("Antwoord van de ondersteuner", "The supporter's answer"),
    "supporter.reason": ("Toelichting van de ondersteuner", "The supporter's reason"),
    "save_answer": ("Antwoord vastleggen", "Record the answer"),
    "answer_saved": ("Het antwoord is vastgelegd.", "The answer was recorded."),
    "case": ("Traject", "Case"),
    "case_open": ("loopt", "open"),
    "case_closing": ("wordt afgesloten", "closing"),
    "case_handed_over": ("overgedragen", "handed over"),
    "case_withdrawn": ("gestopt", "withdrawn"),
    "visits": ("Bezoeken", "Visits"),
    "opened_at": ("Gestart op", "Started on"),
    "status_proposal_made": ("ondersteuner voorgesteld", "supporter proposed"),
    "status_proposal_declined": ("voorstel afgewezen", "proposal declined"),
    "status_matched": ("koppeling gemaakt", "match made"),
    # the rest of a referral's timeline (services/referral/domain.py), and who a step was by
    "status_intake_done": ("kennismaking vastgelegd", "intake recorded"),
    "status_awaiting_commission": ("wacht op de beschikking van de gemeente",
                                   "awaiting the municipality's commission"),
    "status_commissioned": ("beschikking afgegeven", "commissioned"),
    "status_not_commissioned": ("geen beschikking", "not commissioned"),
    "status_case_closed": ("traject afgesloten", "case closed"),
    "status_handed_over": ("traject overgedragen", "case handed over"),
    "status_case_reopened": ("traject weer geopend na een terugval",
                             "case reopened after a relapse"),
    "status_withdrawn": ("ingetrokken", "withdrawn"),
    "status_consent_withdrawn": ("toestemming om te delen ingetrokken",
                                 "consent to share withdrawn"),
    "status_erased": ("gegevens van het gezin gewist", "the family's data erased"),
    "timeline_by_family": ("op verzoek van het gezin", "at the family's request"),
    "timeline_by_referrer": ("door de verwijzer", "by the referrer"),
    "timeline_by_coordinator": ("door de coördinator", "by the coordinator"),
    # errors
    "forbidden_title": ("Geen toegang", "No access"),
    "forbidden_text": ("Dit is niet voor uw rol.", "This is not for your role."),
    "not_found_title": ("Niet gevonden", "Not found"),
    "not_found_text": ("Dit bestaat niet, of u kunt het niet inzien.",
                       "This does not exist, or you cannot see it."),
    "conflict_title": ("Dat kan nu niet", "That cannot be done now"),
    "erased_refusal": ("Dat kan niet meer: de gegevens van het gezin zijn gewist.",
                       "That can no longer be done: the family's data was erased."),
    "unavailable_title": ("Even niet bereikbaar", "Temporarily unavailable"),
    "unavailable_text": ("Kring is even niet bereikbaar. Er is niets verloren; probeer het zo "
                         "nog eens.",
                         "Kring cannot be reached just now. Nothing was lost; try again "
                         "shortly."),
    "signed_out_needed": ("Meld u eerst aan.", "Please sign in first."),
    "csrf_title": ("Het formulier is verlopen", "The form has expired"),
    "csrf_text": ("Laad de pagina opnieuw en probeer het nog eens.",
                  "Reload the page and try again."),
    # the reports page (getReports, docs/contract.md §7 "Reports")
    "reports": ("Rapportage", "Reports"),
    "reports_text": (
        "Cijfers zonder namen per programma, gemeente en periode. Aantallen van 1 tot 4 staan "
        "er als \"< 5\", zodat geen gezin te herkennen is.",
        "Figures without names per programme, municipality and period. Counts of 1 to 4 show "
        "as \"< 5\", so that no family can be recognised."),
    "reports_show": ("Toon", "Show"),
    "reports_period": ("Per", "Per"),
    "period_month": ("maand", "month"),
    "period_quarter": ("kwartaal", "quarter"),
    "period_year": ("jaar", "year"),
    "reports_from": ("Van (JJJJ-MM-DD)", "From (YYYY-MM-DD)"),
    "reports_to": ("Tot en met (JJJJ-MM-DD)", "To (YYYY-MM-DD)"),
    "reports_programme_hint": ("Leeg: alle programma's.", "Empty: every programme."),
    "reports_csv": ("Download CSV", "Download CSV"),
    "reports_table": ("Cijfers van {start} tot en met {end}", "Figures from {start} to {end}"),
    "reports_empty": ("Er zijn geen cijfers voor deze keuze.", "There are no figures for this "
                      "choice."),
    "reports_charts": ("Grafieken", "Charts"),
    "chart_title": ("{figure} per {period}, {programme}, {municipality}",
                    "{figure} per {period}, {programme}, {municipality}"),
    "chart_suppressed": (
        "Een gearceerde staaf is een aantal van 1 tot 4 (\"< 5\"); het precieze aantal wordt "
        "niet getoond. Hij is getekend zo hoog als 4.",
        "A hatched bar is a count of 1 to 4 (\"< 5\"); the exact number is not shown. It is "
        "drawn as high as 4."),
    "col_programme": ("Programma", "Programme"),
    "col_municipality": ("CBS-code", "CBS code"),
    "col_municipality_name": ("Gemeente", "Municipality"),
    "col_period": ("Periode", "Period"),
    "col_period_start": ("Begin", "Start"),
    "col_period_end": ("Einde", "End"),
    "col_referrals_in": ("Aanmeldingen", "Referrals in"),
    "col_self_referred": ("Zelf aangemeld", "Self-referred"),
    "col_declined": ("Niet passend", "Declined"),
    "col_withdrawn": ("Ingetrokken", "Withdrawn"),
    "col_completed": ("Afgerond", "Completed"),
    "col_support_started": ("Ondersteuning gestart", "Support started"),
    "col_support_ended": ("Ondersteuning beëindigd", "Support ended"),
    "col_families_visited": ("Gezinnen bezocht", "Families visited"),
    "col_aftercare_completed": ("Afgerond na nazorg", "Completed after aftercare"),
    "col_relapses": ("Heropend", "Relapses"),
    "col_waitlisted_at_end": ("Op wachtlijst (einde)", "Waiting list (end)"),
    "col_commissioned": ("Beschikt", "Commissioned"),
    "col_not_commissioned": ("Niet beschikt", "Not commissioned"),
    "col_consultations_requested": ("Consultaties gevraagd", "Consultations requested"),
    "col_consultations_answered": ("Consultaties beantwoord", "Consultations answered"),
    "col_consultation_rounds": ("Consultatierondes", "Consultation rounds"),
    "col_consultations_closed": ("Consultaties gesloten", "Consultations closed"),
    "col_intake_days_median": ("Dagen tot kennismaking (mediaan)", "Days to intake (median)"),
    "col_intake_days_p90": ("Dagen tot kennismaking (P90)", "Days to intake (P90)"),
    "col_start_days_median": ("Dagen tot start (mediaan)", "Days to start (median)"),
    "col_start_days_p90": ("Dagen tot start (P90)", "Days to start (P90)"),
    "col_support_weeks_median": ("Weken ondersteuning (mediaan)", "Weeks of support (median)"),
    "col_support_weeks_p90": ("Weken ondersteuning (P90)", "Weeks of support (P90)"),
    "col_visit_hours": ("Uren bezoek", "Visit hours"),
    "not_heard_yet": ("De aanmelding is nog onderweg naar de koppeling; probeer het zo nog eens.",
                      "The referral has not reached matching yet; try again shortly."),
    # the case's page (getCase) and its steps; a form's fields are named `<form>.<field>`
    "open_case": ("Traject bekijken", "View the case"),
    "open_aftercare": ("Nazorg bekijken", "View the aftercare"),
    "case_flags": ("Let op", "Please note"),
    "flag_immediate": ("Er is een dringende zorg over de veiligheid die nog niet is opgelost.",
                       "There is an urgent safety concern that is not resolved yet."),
    "flag_check_in_overdue": ("De tussentijdse check is over tijd.",
                              "The check-in is overdue."),
    "flag_evaluation_overdue": ("De evaluatie is over tijd.", "The evaluation is overdue."),
    "flag_past_expected_duration": ("Het traject duurt langer dan het programma verwacht.",
                                    "The case runs longer than the programme expects."),
    "flag_below_rhythm": ("Er waren de laatste vier weken minder bezoeken dan afgesproken.",
                          "There were fewer visits over the last four weeks than agreed."),
    "next_check_in_on": ("Volgende check", "Next check-in"),
    "next_evaluation_on": ("Volgende evaluatie", "Next evaluation"),
    "plan": ("Plan van aanpak", "Plan of approach"),
    "no_plan": ("Er is nog geen plan van aanpak.", "There is no plan of approach yet."),
    "goals": ("Doelen", "Goals"),
    "goal": ("Doel", "Goal"),
    "goals_hint": ("Eén doel per blok. Een leeg blok telt niet mee.",
                   "One goal a block. An empty block is left out."),
    "plan.goals": ("Doelen", "Goals"),
    "plan.goals.life_domain": ("Leefgebied", "Life domain"),
    "life_domain_hint": ("Bijvoorbeeld: opvoeding.", "For example: parenting."),
    "plan.goals.goal": ("Wat wil het gezin bereiken?", "What does the family want to reach?"),
    "plan.goals.for": ("Voor wie", "For whom"),
    "plan.goals.members": ("Om wie in het gezin gaat het?", "Who in the family is it about?"),
    "for_adult": ("volwassene", "adult"),
    "for_child": ("kind", "child"),
    "members": ("Gezinsleden", "Family members"),
    "member_parent": ("ouder", "parent"),
    "member_child": ("kind", "child"),
    "member_other_carer": ("andere opvoeder", "other carer"),
    "member_other": ("anders", "other"),
    "plan.intensity": ("Intensiteit", "Intensity"),
    "intensity_high": ("hoog", "high"),
    "intensity_regular": ("gewoon", "regular"),
    "intensity_light": ("licht", "light"),
    "plan.risk_factors": ("Wat maakt het moeilijk (risicofactoren)",
                          "What makes it hard (risk factors)"),
    "plan.protective_factors": ("Wat helpt (beschermende factoren)",
                                "What helps (protective factors)"),
    "one_a_line": ("Eén per regel.", "One a line."),
    "support_figures": ("Steunfiguren", "Support figures"),
    "no_support_figures": ("Er zijn geen steunfiguren vastgelegd.",
                           "No support figures are recorded."),
    "function_emotional": ("emotionele steun", "emotional support"),
    "function_practical": ("praktische hulp", "practical help"),
    "function_informative": ("advies", "advice"),
    "step_plan": ("Plan van aanpak vastleggen", "Set the plan of approach"),
    "save_plan": ("Plan opslaan", "Save the plan"),
    "total_hours": ("Uren in totaal", "Hours in total"),
    "no_visits": ("Er zijn nog geen bezoeken.", "There are no visits yet."),
    "visit.date": ("Datum", "Date"),
    "visit.hours": ("Uren", "Hours"),
    "visit.hours_hint": ("Bijvoorbeeld 3 of 2,5.", "For example 3 or 2.5."),
    "visit.notes": ("Wat is er gedaan?", "What was done?"),
    "step_visit": ("Bezoek vastleggen", "Log a visit"),
    "save_visit": ("Bezoek opslaan", "Save the visit"),
    "concerns": ("Zorgen over de veiligheid", "Safety concerns"),
    "no_concerns": ("Er zijn geen zorgen over de veiligheid vastgelegd.",
                    "No safety concerns are recorded."),
    "concern_open": ("Open", "Open"),
    "concern_resolved": ("Opgelost", "Resolved"),
    "concern_immediate": ("dringend", "urgent"),
    "concern.description": ("Wat is de zorg?", "What is the concern?"),
    "concern.immediate": ("Is de veiligheid nu direct in gevaar?",
                          "Is safety in danger right now?"),
    "immediate_yes": ("Ja: eerst dit oplossen, het traject kan zo niet sluiten",
                      "Yes: this comes first, the case cannot close until it is resolved"),
    "immediate_no": ("Nee", "No"),
    "step_concern": ("Zorg over de veiligheid melden", "Record a safety concern"),
    "save_concern": ("Zorg opslaan", "Save the concern"),
    "resolve.resolution": ("Hoe is het opgelost?", "How was it resolved?"),
    "step_resolve": ("Zorg oplossen", "Resolve the concern"),
    "save_resolve": ("Markeren als opgelost", "Mark as resolved"),
    "intensity": ("Intensiteit en ritme", "Intensity and rhythm"),
    "expected_per_week": ("Afgesproken per week", "Agreed per week"),
    "visits_unit": ("bezoeken", "visits"),
    "hours_unit": ("uur", "hours"),
    "recent_weeks": ("De laatste weken", "The last weeks"),
    "week_of": ("Week van", "Week of"),
    "intensity.level": ("Nieuwe intensiteit", "New intensity"),
    "intensity.visits_per_week": ("Bezoeken per week", "Visits per week"),
    "intensity.hours_per_week": ("Uren per week", "Hours per week"),
    "intensity.reason": ("Waarom verandert het?", "Why does it change?"),
    "step_intensity": ("Intensiteit wijzigen", "Change the intensity"),
    "save_intensity": ("Intensiteit opslaan", "Save the intensity"),
    "moments": ("Tussentijdse checks en evaluaties", "Check-ins and evaluations"),
    "check_ins": ("Tussentijdse checks", "Check-ins"),
    "evaluations": ("Evaluaties", "Evaluations"),
    "none_yet": ("Nog geen.", "None yet."),
    "check_in.date": ("Datum van de check", "Date of the check-in"),
    "check_in.notes": ("Aantekeningen", "Notes"),
    "step_check_in": ("Tussentijdse check vastleggen", "Record a check-in"),
    "save_check_in": ("Check opslaan", "Save the check-in"),
    "evaluation.date": ("Datum van de evaluatie", "Date of the evaluation"),
    "evaluation.notes": ("Aantekeningen bij de evaluatie", "Notes of the evaluation"),
    "step_evaluation": ("Evaluatie vastleggen", "Record an evaluation"),
    "save_evaluation": ("Evaluatie opslaan", "Save the evaluation"),
    "closing": ("Afsluiten", "Closing"),
    "close_hint": ("Na het afsluitende gesprek: de bezoeken stoppen en het traject wacht op de "
                   "overdracht.",
                   "After the closing conversation: the visits stop and the case waits for its "
                   "handover."),
    "close.evaluation": ("Evaluatie: hoe is het gegaan?", "Evaluation: how did it go?"),
    "close.goals_met": ("Zijn de doelen bereikt?", "Were the goals met?"),
    "close.reason": ("Waarom stopt de ondersteuning?", "Why does support end?"),
    "step_close": ("Traject afsluiten", "Close the case"),
    "save_close": ("Traject afsluiten", "Close the case"),
    "handover": ("Overdracht", "Handover"),
    "handover.receiving_party": ("Wie neemt het over?", "Who takes over?"),
    "handover.receiving_party.kind": ("Soort", "Kind"),
    "handover.receiving_party.name": ("Naam", "Name"),
    "receiving_municipality": ("gemeente", "municipality"),
    "receiving_local_partner": ("lokale partner", "local partner"),
    "handover.summary": ("Samenvatting voor wie het overneemt",
                         "Summary for who takes over"),
    "handover.staying": ("Steunfiguren die betrokken blijven",
                         "Support figures who stay involved"),
    "step_handover": ("Traject overdragen", "Hand the case over"),
    "save_handover": ("Overdragen", "Hand over"),
    "done_plan": ("Het plan van aanpak is opgeslagen.", "The plan of approach was saved."),
    "done_visit": ("Het bezoek is vastgelegd.", "The visit was logged."),
    "done_concern": ("De zorg is vastgelegd.", "The concern was recorded."),
    "done_resolve": ("De zorg is opgelost.", "The concern was resolved."),
    "done_check_in": ("De check is vastgelegd.", "The check-in was recorded."),
    "done_evaluation": ("De evaluatie is vastgelegd.", "The evaluation was recorded."),
    "done_intensity": ("De intensiteit is gewijzigd.", "The intensity was changed."),
    "done_close": ("Het traject is afgesloten.", "The case was closed."),
    "done_handover": ("Het traject is overgedragen; de nazorg begint.",
                      "The case was handed over; aftercare starts."),
    # the aftercare's page (getAftercare) and its steps
    "aftercare": ("Nazorg", "Aftercare"),
    "aftercare_text": ("Na de overdracht: de afgesproken contacten met het gezin.",
                       "After the handover: the contacts agreed with the family."),
    "aftercare_active": ("loopt", "active"),
    "aftercare_completed": ("afgerond", "completed"),
    "aftercare_withdrawn": ("gestopt", "withdrawn"),
    "aftercare_relapsed": ("terugval: het traject loopt weer", "relapse: the case is open again"),
    "started_on": ("Begonnen op", "Started on"),
    "ends_on": ("Loopt tot", "Ends on"),
    "end_notes": ("Bij het einde", "At the end"),
    "contacts": ("Contacten", "Contacts"),
    "due_on": ("Gepland", "Due"),
    "done_on": ("Gedaan op", "Done on"),
    "extra_contact": ("extra contact", "extra contact"),
    "overdue": ("over tijd", "overdue"),
    "contact.date": ("Datum van het contact", "Date of the contact"),
    "contact.notes": ("Aantekeningen", "Notes"),
    "contact.support_figure_id": ("Met wie", "With whom"),
    "with_family": ("het gezin", "the family"),
    "step_contact": ("Contact vastleggen", "Log a contact"),
    "save_contact": ("Contact opslaan", "Save the contact"),
    "aftercare_end": ("Einde van de nazorg", "End of aftercare"),
    "relapse_hint": ("Gaat het weer slechter? Dan stopt de nazorg en loopt het traject weer, "
                     "met dezelfde ondersteuner.",
                     "Is it going worse again? Then aftercare stops and the case opens again, "
                     "with the same supporter."),
    "relapse.notes": ("Wat is er aan de hand?", "What is going on?"),
    "step_relapse": ("Terugval melden", "Report a relapse"),
    "save_relapse": ("Terugval melden", "Report the relapse"),
    "complete_hint": ("De nazorg is klaar: de aanmelding wordt afgesloten als afgerond.",
                      "Aftercare is done: the referral closes as completed."),
    "complete.notes": ("Aantekeningen", "Notes"),
    "step_complete": ("Nazorg afronden", "Complete aftercare"),
    "save_complete": ("Nazorg afronden", "Complete aftercare"),
    "done_contact": ("Het contact is vastgelegd.", "The contact was logged."),
    "done_relapse": ("De terugval is gemeld; het traject loopt weer.",
                     "The relapse was reported; the case is open again."),
    "done_complete": ("De nazorg is afgerond.", "Aftercare was completed."),
    # the family's members and support figures, on the case's page
    "no_members": ("Er zijn nog geen gezinsleden vastgelegd.",
                   "No family members are recorded yet."),
    "member": ("Gezinslid", "Family member"),
    "members_hint": (
        "Alleen wat nodig is: een voornaam of voorletter mag, een achternaam of "
        "geboortedatum niet. Kies bij een gezinslid dat er niet meer bij hoort geen rol en "
        "maak de naam leeg.",
        "Only what is needed: a first name or an initial, never a surname or a date of birth. "
        "For a member who no longer belongs, choose no role and clear the name."),
    "members.members": ("Gezinsleden", "Family members"),
    "members.member_id": ("Gezinslid", "Family member"),
    "members.first_name": ("Voornaam of voorletter", "First name or initial"),
    "first_name_hint": ("Mag leeg blijven.", "May stay empty."),
    "members.role": ("Rol in het gezin", "Role in the family"),
    "members.age_band": ("Leeftijd", "Age"),
    "members.languages": ("Talen", "Languages"),
    "step_members": ("Gezinsleden vastleggen", "Set the family's members"),
    "save_members": ("Gezinsleden opslaan", "Save the members"),
    "done_members": ("De gezinsleden zijn opgeslagen.", "The family's members were saved."),
    "figure_hint": (
        "Een steunfiguur is iemand die het gezin zelf noemt en die het goed vindt om te worden "
        "vastgelegd.",
        "A support figure is someone the family names and who agrees to be recorded."),
    "figure.name": ("Naam van de steunfiguur", "The support figure's name"),
    "figure.relation": ("Wie is het voor het gezin?", "Who are they to the family?"),
    "figure.relation_hint": ("Bijvoorbeeld: oma, buurvrouw, juf.",
                             "For example: grandmother, neighbour, teacher."),
    "figure.formal": ("Is het iemand van een organisatie?",
                      "Are they someone from an organisation?"),
    "formal_yes": ("Ja, beroepsmatig", "Yes, professionally"),
    "formal_no": ("Nee, iemand uit de omgeving", "No, someone close"),
    "figure.functions": ("Waarmee steunt deze persoon?", "How does this person support?"),
    "figure.decides": ("Beslist mee over de ondersteuning",
                       "Takes part in decisions about the support"),
    "figure.named_by": ("Genoemd door", "Named by"),
    "figure.consent": ("Deze persoon vindt het goed om te worden vastgelegd",
                       "This person agrees to be recorded"),
    "step_figure": ("Steunfiguur toevoegen", "Add a support figure"),
    "save_figure": ("Steunfiguur opslaan", "Save the support figure"),
    "done_figure": ("De steunfiguur is toegevoegd.", "The support figure was added."),
    "remove_figure": ("Verwijderen", "Remove"),
    "done_remove_figure": ("De steunfiguur is verwijderd.", "The support figure was removed."),
    "change_figure": ("Wijzigen", "Change"),
    "step_change_figure": ("Steunfiguur wijzigen", "Change the support figure"),
    "save_change_figure": ("Wijzigingen opslaan", "Save the changes"),
    "done_change_figure": ("De steunfiguur is gewijzigd.", "The support figure was changed."),
    "past_rounds": ("Eerdere rondes (voor een terugval)", "Earlier rounds (before a relapse)"),
    "reopened_at": ("Weer geopend op", "Reopened on"),
    "withdrawn_at": ("Gestopt op", "Withdrawn on"),
    # a closed referral's outcome (kring/contracts/events.py OUTCOMES), on its page
    "outcome_completed": ("afgerond", "completed"),
    "outcome_declined": ("past niet bij het programma", "does not fit the programme"),
    "outcome_withdrawn": ("ingetrokken", "withdrawn"),
    # withdrawing a referral, or the family's consent to share (withdrawReferral,
    # withdrawConsent), on its page; a form's fields are named `<form>.<field>`
    "stopping": ("Stoppen", "Stopping"),
    "withdraw": ("Aanmelding intrekken", "Withdraw the referral"),
    "withdraw_hint": (
        "Het gezin of u stopt: wat nog loopt, stopt ook, en de plek bij de ondersteuner komt "
        "vrij. Dit kan niet ongedaan worden gemaakt.",
        "The family or you stop: whatever is under way stops too, and the supporter's place "
        "is freed. This cannot be undone."),
    "withdraw.by": ("Wie vraagt erom?", "Who asks for it?"),
    "by_family": ("Het gezin", "The family"),
    "by_referrer": ("Ik, als verwijzer", "I, as the referrer"),
    "by_coordinator": ("Ik, als coördinator", "I, as the coordinator"),
    "withdraw.reason": ("Waarom?", "Why?"),
    "save_withdraw": ("Aanmelding intrekken", "Withdraw the referral"),
    "done_withdraw": ("De aanmelding is ingetrokken.", "The referral was withdrawn."),
    "consent_withdrawal": ("Toestemming om te delen intrekken", "Withdraw consent to share"),
    "consent_withdrawal_hint": (
        "Het gezin wil niet langer dat de verwijzer hoort hoe het gaat. De ondersteuning gaat "
        "gewoon door.",
        "The family no longer wants the referrer to hear how it goes. Support goes on as "
        "before."),
    "consent_withdrawal.reason": ("Waarom? (wordt alleen bij de toestemming bewaard)",
                                  "Why? (kept with the consent only)"),
    "save_consent_withdrawal": ("Toestemming intrekken", "Withdraw consent"),
    "done_consent_withdrawal": (
        "De toestemming om te delen is ingetrokken; de ondersteuning gaat door.",
        "The consent to share was withdrawn; support goes on."),
    "consent_withdrawn_at": ("Toestemming om te delen ingetrokken op",
                             "Consent to share withdrawn on"),
    # the administrator's, from the referral's page: the family's data, its audit trail and
    # its export (docs/contract.md §7 "Erasure, retention and export")
    "privacy": ("Gegevens van het gezin", "The family's data"),
    "audit": ("Wie heeft wat gedaan", "Audit trail"),
    "audit_text": (
        "Elke keer dat iemand de gegevens van deze aanmelding las of wijzigde, in alle diensten "
        "van Kring: wie, wat, wanneer en het antwoord.",
        "Every time someone read or changed this referral's data, in every service of Kring: "
        "who, what, when and the answer given."),
    "audit_at": ("Wanneer", "When"),
    "audit_operation": ("Wat", "What"),
    "audit_service": ("Dienst", "Service"),
    "audit_person": ("Wie", "Who"),
    "audit_organisation": ("Organisatie", "Organisation"),
    "audit_role": ("Rol", "Role"),
    "audit_answer": ("Antwoord", "Answer"),
    "back_to_referral": ("Terug naar de aanmelding", "Back to the referral"),
    "export": ("Alles wat Kring van dit gezin heeft (JSON, om te bewaren)",
               "Everything Kring holds of this family (JSON, to save)"),
    "erasure": ("Gegevens van het gezin wissen", "Erase the family's data"),
    "erasure_hint": (
        "In alle diensten van Kring; de cijfers voor de rapportage blijven. Dit kan niet "
        "ongedaan worden gemaakt. Schrijf in de reden niets over het gezin: die wordt bewaard.",
        "In every service of Kring; the figures for reports stay. This cannot be undone. Write "
        "nothing about the family in the reason: it is kept."),
    "erasure.reason": ("Op welke grond?", "On what grounds?"),
    "erasure.reason_hint": ("Bijvoorbeeld: verzoek van het gezin van 1 december, art. 17 AVG.",
                            "For example: the family's request of 1 December, art. 17 GDPR."),
    "save_erasure": ("Gegevens wissen", "Erase the data"),
    "done_erasure": ("De gegevens van het gezin zijn gewist.", "The family's data was erased."),
    "erased_at": ("Gegevens gewist op", "Data erased on"),
    # an organisation's supporters (listSupporters, registerSupporter, updateSupporter)
    "supporters": ("Ondersteuners", "Supporters"),
    "supporters_text": (
        "De vrijwilligers en beroepskrachten van uw organisatie, met hoeveel gezinnen ieder kan "
        "steunen en hoeveel daarvan nu bezet is (gezinnen en openstaande voorstellen).",
        "Your organisation's volunteers and professionals, with how many families each can "
        "support and how many of those places are taken now (families and open proposals)."),
    "supporters_empty": ("Uw organisatie heeft nog geen ondersteuners.",
                         "Your organisation has no supporters yet."),
    "supporters_back": ("Terug naar de ondersteuners", "Back to the supporters"),
    "supporter_register": ("Ondersteuner registreren", "Register a supporter"),
    "supporter_registered": ("De ondersteuner is geregistreerd.",
                             "The supporter was registered."),
    "supporter_change": ("Gegevens wijzigen", "Change her details"),
    "supporter_save": ("Wijzigingen opslaan", "Save the changes"),
    "supporter_saved": ("De wijzigingen zijn opgeslagen.", "The changes were saved."),
    "supporter.name": ("Naam", "Name"),
    "supporter.kind": ("Soort", "Kind"),
    "supporter.programmes": ("Programma's", "Programmes"),
    "supporter.municipalities": ("Gemeenten waar zij of hij werkt",
                                 "Municipalities where they work"),
    "supporter.municipalities_hint": (
        "Alleen gezinnen in deze gemeenten worden aan haar of hem voorgesteld.",
        "Only families in these municipalities are proposed to them."),
    "supporter.typed_hint": ("Met een komma ertussen.", "Separated by commas."),
    "supporter.languages": ("Talen", "Languages"),
    "supporter.capacity": ("Capaciteit (aantal gezinnen)", "Capacity (number of families)"),
    "supporter.capacity_hint": (
        "Hoeveel gezinnen tegelijk, van 0 tot 50. Meer capaciteit koppelt wachtende gezinnen "
        "opnieuw.",
        "How many families at once, 0 to 50. More capacity matches waiting families again."),
    "supporter.expertise": ("Deskundigheid", "Expertise"),
    "supporter.expertise_hint": ("Met een komma ertussen, bijvoorbeeld: parenting, finances. "
                                 "Mag leeg blijven.",
                                 "Separated by commas, e.g.: parenting, finances. May stay "
                                 "empty."),
    "supporter.active": ("Beschikbaar voor nieuwe gezinnen", "Available for new families"),
    "supporter.active_hint": (
        "Zonder vinkje wordt zij of hij niet meer voorgesteld; lopende trajecten gaan door.",
        "Without the tick they are no longer proposed; cases under way go on."),
    "supporter.active_now": ("beschikbaar", "available"),
    "supporter.inactive": ("niet beschikbaar", "not available"),
    "supporter.in_use": ("Bezet van capaciteit", "In use of capacity"),
    "supporter.use": ("{used} van {capacity}", "{used} of {capacity}"),
    "supporter.load": ("Gezinnen nu", "Families now"),
    "supporter.reserved": ("Openstaande voorstellen", "Open proposals"),
    "supporter.free": ("Vrij", "Free"),
    # the provider directory (listProgrammes, registerProvider)
    "directory": ("Aanbieders", "Providers"),
    "directory_text": (
        "Welke organisatie welk programma in welke gemeenten uitvoert. Elke aanmelding gaat "
        "naar de aanbieder van het programma in de gemeente van het gezin.",
        "Which organisation runs which programme in which municipalities. Every referral goes "
        "to the provider of its programme in the family's municipality."),
    "directory_municipality": ("Gemeente", "Municipality"),
    "directory_municipality_hint": ("Naam of CBS-code. Leeg: alle gemeenten.",
                                    "Name or CBS code. Empty: every municipality."),
    "directory_all": ("Alle aanbieders", "Every provider"),
    "directory_in": ("Aanbieders in {name} ({code})", "Providers in {name} ({code})"),
    "directory_empty": ("Er zijn geen aanbieders.", "There are no providers."),
    "provider_register": ("Aanbieder registreren", "Register a provider"),
    "provider_register_text": (
        "Dezelfde organisatie en hetzelfde programma nog eens vervangt haar gegevens. Een "
        "gemeente waar een andere organisatie het programma al uitvoert, kan niet.",
        "The same organisation and programme again replaces its entry. A municipality where "
        "another organisation already runs the programme cannot be taken."),
    "provider_registered": ("De aanbieder is geregistreerd.", "The provider was registered."),
    "provider.organisation": ("Organisatie (code)", "Organisation (code)"),
    "provider.organisation_hint": (
        "Precies zoals de aanmeldlinks van haar mensen de organisatie noemen, bijvoorbeeld "
        "home-start-utrecht.",
        "Exactly as its people's sign-in links name the organisation, e.g. "
        "home-start-utrecht."),
    "provider.name": ("Naam", "Name"),
    "provider.programme": ("Programma", "Programme"),
    "provider.programme_hint": ("De code van het programma; in de lijst: {known}.",
                                "The programme's code; in the list: {known}."),
    "provider.municipalities": ("Gemeenten", "Municipalities"),
    "provider.municipalities_hint": ("Namen of CBS-codes, één per regel of met een komma "
                                     "ertussen.",
                                     "Names or CBS codes, one a line or separated by commas."),
    "provider.municipality": ("Gemeente", "Municipality"),
    "provider.languages": ("Talen", "Languages"),
    "provider.waiting": ("Wachtlijst", "Waiting list"),
    "provider.waiting_list": ("Neemt nu geen nieuwe gezinnen aan (wachtlijst)",
                              "Takes no new families now (waiting list)"),
    "provider.waiting_list_hint": ("Aanmeldingen komen wel binnen en wachten.",
                                   "Referrals still arrive, and wait."),
    # the municipality's commission pages (commissions.py)
    "commissions": ("Beschikkingen", "Commissions"),
    "commissions_text": (
        "Aanmeldingen van gezinnen in uw gemeente voor een programma dat een beschikking "
        "nodig heeft. Na de kennismaking wachten ze op uw besluit; u ziet alleen wat dat "
        "besluit nodig heeft.",
        "Referrals of families in your municipality to a programme that needs a commission. "
        "After the intake they wait for your decision; you see only what that decision "
        "needs."),
    "queue_commissions_awaiting": ("Wachten op uw besluit", "Waiting for your decision"),
    "queue_commissions_awaiting_empty": ("Er wacht geen aanmelding op uw besluit.",
                                         "No referral is waiting for your decision."),
    "queue_commissions_decided": ("Besloten", "Decided"),
    "queue_commissions_decided_empty": ("U heeft nog over geen aanmelding besloten.",
                                        "You have not decided on any referral yet."),
    "coordinating_org": ("Uitvoerende organisatie", "Coordinating organisation"),
    "commission_state": ("Stand", "State"),
    "commission_awaiting": ("wacht op besluit", "waiting for a decision"),
    "commission_commissioned": ("toegekend", "commissioned"),
    "commission_not_commissioned": ("niet toegekend", "not commissioned"),
    "commission_withdrawn": ("gestopt voor een besluit", "ended before a decision"),
    "asked_at": ("Gevraagd op", "Asked on"),
    "commission": ("Aanvraag voor een beschikking", "Request for a commission"),
    "commission_intro": (
        "Wat u nodig heeft om te besluiten. Naam, adres en de hulpvraag van het gezin blijven "
        "bij de uitvoerende organisatie.",
        "What you need to decide. The family's name, address and question stay with the "
        "coordinating organisation."),
    "intake_at": ("Kennismaking op", "Intake on"),
    "decided_at": ("Besloten op", "Decided on"),
    "decided_by": ("Besloten door", "Decided by"),
    "decide": ("Besluiten", "Decide"),
    "decision.commissioned": ("Kent u de ondersteuning toe?",
                              "Do you commission the support?"),
    "commission_yes": ("Ja, toekennen: de organisatie zoekt een ondersteuner",
                       "Yes, commission it: the organisation looks for a supporter"),
    "commission_no": ("Nee, niet toekennen: de aanmelding sluit",
                      "No, do not commission it: the referral closes"),
    "decision.reason": ("Toelichting", "Reason"),
    "decision.reason_hint": ("Verplicht bij nee. Alleen de uitvoerende organisatie leest dit.",
                             "Required for a no. Only the coordinating organisation reads "
                             "it."),
    "save_decision": ("Besluit vastleggen", "Record the decision"),
    "done_decision": ("Uw besluit is vastgelegd.", "Your decision was recorded."),
    "commissions_back": ("Terug naar de beschikkingen", "Back to the commissions"),
}

# the API's words for common mistakes, in Dutch (the API speaks English)
MESSAGES_NL = {
    "Missing data for required field.": "Vul dit in.",
    "Not a valid email address.": "Dit is geen geldig e-mailadres.",
    "Not a valid integer.": "Dit is geen getal.",
    "Not a valid date.": "Dit is geen geldige datum.",
    "not a phone number": "Dit is geen telefoonnummer.",
    "not a Dutch postcode (1234 AB)": "Dit is geen Nederlandse postcode (1234 AB).",
    "the family must consent: support is voluntary":
        "Het gezin moet toestemming geven: ondersteuning is vrijwillig.",
    "use a two- or three-letter language code": "Gebruik een taalcode van twee of drie letters.",
    "required when the question fits": "Verplicht als de hulpvraag past.",
    "the family has already answered this proposal":
        "Het gezin heeft dit voorstel al beantwoord.",
    "the supporter has already answered this proposal":
        "De ondersteuner heeft dit voorstel al beantwoord.",
    "Not a valid number.": "Dit is geen getal.",
    "Shorter than minimum length 1.": "Vul dit in.",
    "must not be in the future": "Dit mag niet in de toekomst liggen.",
    "must be more than 0 and at most 12": "Meer dan 0 en hoogstens 12.",
    "cannot close the case: an immediate safety concern is not resolved yet":
        "Het traject kan niet sluiten: er is een dringende zorg die nog niet is opgelost.",
    "cannot hand the case over: an immediate safety concern is not resolved yet":
        "Het traject kan niet over: er is een dringende zorg die nog niet is opgelost.",
    "this safety concern is already resolved": "Deze zorg is al opgelost.",
    "a support figure is recorded only with their consent":
        "Een steunfiguur wordt alleen met diens toestemming vastgelegd.",
    "give a level, visits_per_week or hours_per_week":
        "Kies een intensiteit, of vul bezoeken of uren per week in.",
    "Must be greater than or equal to 0 and less than or equal to 50.":
        "Vul een getal van 0 tot en met 50 in.",
    "Length must be between 1 and 20.": "Geef er 1 tot en met 20.",
    "Length must be between 1 and 50.": "Geef er 1 tot en met 50.",
    "Length must be between 1 and 10.": "Geef er 1 tot en met 10.",
    "Must be one of: volunteer, professional.": "Kies vrijwilliger of beroepskracht.",
    # the refusals of a case's, an aftercare's and a referral's steps (cases.py, aftercare.py,
    # referrals.py) that do not name the status in the way (REFUSED_BY_STATUS, below)
    "cannot record a support figure: set the plan first":
        "Leg eerst het plan van aanpak vast; een steunfiguur hoort bij het plan.",
    "a plan needs at least one goal": "Een plan heeft ten minste één doel.",
    "name the life domain (leefgebied)": "Noem het leefgebied.",
    "describe the goal": "Beschrijf het doel.",
    "a factor must be a non-empty text": "Laat geen lege regel staan.",
    "name the support figure": "Noem de steunfiguur.",
    "a support figure has at least one function": "Kies ten minste één manier van steunen.",
    "say whether the support figure is formal (true/false)":
        "Zeg of het iemand van een organisatie is.",
    "each member_id once": "Elk gezinslid één keer.",
    "letters, digits, - and _, at most 36": "Letters, cijfers, - en _, hoogstens 36.",
    "must be one of the support figures who stay involved":
        "Kies een van de steunfiguren die betrokken blijven.",
    "the referral is over (withdrawn or closed)": "De aanmelding is al voorbij.",
    "the intake of this referral is already recorded": "De kennismaking is al vastgelegd.",
    "Not a valid boolean.": "Kies ja of nee.",
    "Field may not be null.": "Vul dit in.",
    "Unknown field.": "Dit veld kent Kring niet.",
    "Not a valid list.": "Dit is geen lijst.",
    "contains characters that cannot be stored": "Hierin staan tekens die niet kunnen.",
    "say why the support is not commissioned": "Zeg waarom u de ondersteuning niet toekent.",
    "the referral is not waiting for a commission":
        "Deze aanmelding wacht niet op een besluit over een beschikking.",
}


def words(language):
    index = LANGUAGES.index(language) if language in LANGUAGES else 0

    def say(key):
        pair = TEXTS.get(key)
        return pair[index] if pair else key
    return say


# the API's refusal (409) of a step on a case or an aftercare by the status in its way:
# "cannot log a visit: the case is closing"
REFUSED_BY_STATUS = re.compile(r"^cannot .+: (the case|aftercare) is ([a-z_]+)$")
REFUSED_NL = {"the case": ("Status van het traject", "case_"),
              "aftercare": ("Status van de nazorg", "aftercare_")}
# the API's words that name what they are about (a date, a member, a code): the pattern, and
# the Dutch with the pattern's groups in it; a `{}` group said by TEXTS[prefix + group] where
# a third element gives the prefix
PATTERNS_NL = (
    (r"^must not be before (\S+)$", "Dit mag niet voor {0} liggen."),
    (r"^the plan still refers to member\(s\) (.+): change the plan first$",
     "Een doel of steunfiguur van het plan noemt dit gezinslid nog: pas eerst het plan aan."),
    (r"^no member (\S+) in the family$", "Dit gezinslid ({0}) hoort niet bij het gezin."),
    (r"^unknown member\(s\): (.+)$", "Onbekend gezinslid: {0}."),
    (r"^unknown figure\(s\): (.+)$", "Onbekende steunfiguur: {0}."),
    (r"^each of (.+) at most once$", "Kies elk hoogstens één keer."),
    (r"^(?:[Mm]ust be )?one of:? (.+?)\.?$", "Kies er een uit de lijst."),
    (r"^Longer than maximum length (\d+)\.$", "Hoogstens {0} tekens."),
    (r"^Length must be between (\d+) and (\d+)\.$", "Geef er {0} tot en met {1}."),
    (r"^Must be greater than or equal to (\S+) and less than or equal to (\S+)\.$",
     "Vul een getal van {0} tot en met {1} in."),
    (r"^the referral is already closed \(([a-z_]+)\)$",
     "Dat kan nu niet: de aanmelding is al afgesloten ({0}).", "outcome_"),
    (r"^the proposal is ([a-z_]+), no longer open$",
     "Dat kan nu niet meer. Status van het voorstel: {0}.", "proposal_"),
    (r"^the referral is not waiting for a commission \(it is ([a-z_]+)\)$",
     "Deze aanmelding wacht niet meer op een besluit. Stand: {0}.", "commission_"),
    (r"^a ([a-z]+) withdraws as (.+), not ([a-z]+)$",
     "Kies wie erom vraagt: het gezin of uzelf."),
)


def message(text, language):
    """An error message of the API in the person's language, where we know it."""
    if language != "nl":
        return text
    refused = REFUSED_BY_STATUS.match(text)
    if refused and refused.group(0) not in MESSAGES_NL:
        what, prefix = REFUSED_NL[refused.group(1)]
        status = TEXTS.get(prefix + refused.group(2), (refused.group(2),))[0]
        return f"Dat kan nu niet. {what}: {status}."
    if text in MESSAGES_NL:
        return MESSAGES_NL[text]
    for pattern, dutch, *prefix in PATTERNS_NL:
        found = re.match(pattern, text)
        if found:
            groups = [TEXTS.get(prefix[0] + group, (group,))[0] if prefix else group
                      for group in found.groups()]
            return dutch.format(*groups)
    return text


def choose(cookie, accept_languages):
    """The cookie's choice, else the browser's best of ours, else Dutch."""
    if cookie in LANGUAGES:
        return cookie
    # by the browser's order of preference, en-GB counting as en (werkzeug's best_match
    # would take an exact "nl;q=0.5" over the "en-GB" the person prefers)
    for value, _quality in accept_languages or ():
        primary = value.split("-")[0].lower()
        if primary in LANGUAGES:
            return primary
    return DEFAULT
