"""Intensity over time: the visits measured against the programme's rhythm, and the
coordinator's check-ins and evaluation moments.

Pure: no nameko, no SQLAlchemy, no IO; `today` comes in. Support starts high, can drop to light
and rise again: the last intensity change that gives visits or hours per week sets what is
expected from then on; before any, the programme's rhythm (kring.programmes) does.
"""
from datetime import date, timedelta

VISITS_PER_WEEK = {"weekly": 1.0, "fortnightly": 0.5, "monthly": 0.25}
HOURS_PER_VISIT = {"hour": 1.0, "half_day": 4.0, "day": 8.0}
RECENT_WEEKS = 6  # the weeks getCase shows, this week last
RHYTHM_WEEKS = 4  # below_rhythm looks at the last four weeks: one missed visit is no pattern


def expected(rhythm, changes):
    """{visits_per_week, hours_per_week, source}: the last change's figures, or the rhythm's."""
    visits = VISITS_PER_WEEK[rhythm["every"]]
    shown = {"visits_per_week": visits, "hours_per_week": visits * HOURS_PER_VISIT[
        rhythm["visit"]], "source": "programme"}
    for change in changes:  # in the order they were made: the last one counts
        for key in ("visits_per_week", "hours_per_week"):
            if change.get(key) is not None:
                shown[key], shown["source"] = change[key], "intensity_change"
    return shown


def monday(day):
    return day - timedelta(days=day.weekday())


def recent_weeks(visits, today, weeks=RECENT_WEEKS):
    """[{week_of, visits, hours}], the oldest first, this week (Monday to today) last."""
    first = monday(today) - timedelta(weeks=weeks - 1)
    shown = [{"week_of": (first + timedelta(weeks=n)).isoformat(), "visits": 0, "hours": 0.0}
             for n in range(weeks)]
    for visit in visits:
        if first <= visit.visited_on <= today:
            week = shown[(visit.visited_on - first).days // 7]
            week["visits"] += 1
            week["hours"] = round(week["hours"] + visit.hours, 2)
    return shown


def below_rhythm(visits, visits_per_week, opened_on, today, weeks=RHYTHM_WEEKS):
    """Fewer visits in the last `weeks` weeks than expected; never for a case younger than
    that (a new case has not had the time)."""
    start = today - timedelta(weeks=weeks)
    if opened_on > start:
        return False
    done = sum(1 for visit in visits if start < visit.visited_on <= today)
    return done < int(visits_per_week * weeks)


def next_check_in(opened_on, check_ins, every_weeks):
    last = max((date.fromisoformat(c["date"]) for c in check_ins), default=opened_on)
    return last + timedelta(weeks=every_weeks)


def next_evaluation(opened_on, evaluations, moments):
    """The first of the evaluation moments (weeks after the opening) not yet held; each
    evaluation recorded counts for the earliest moment open. None when all were held."""
    if len(evaluations) >= len(moments):
        return None
    return opened_on + timedelta(weeks=moments[len(evaluations)])
