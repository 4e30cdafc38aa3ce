"""`kring report` (docs/contract.md §3) against a real `kring run`: the operator's table, the
CSV, a query it refuses, and casework not answering."""
import pytest

from tests.integration.cli.test_operator_commands import kring, start, submitted


@pytest.fixture
def referral_and_casework(rabbit_config, tmp_path):
    running = start(rabbit_config, tmp_path, "referral", "casework")
    yield running
    running.kill()


def test_report_prints_the_figures_as_a_table_or_as_csv(referral_and_casework):
    submitted(referral_and_casework)
    printed = kring(referral_and_casework, "report", "--period", "quarter")
    assert printed.returncode == 0, printed.stderr
    lines = printed.stdout.splitlines()
    assert "home-start in Utrecht (GM0344)" in lines
    # this year's quarters to today: the referral of today is in the last column
    [referrals_in] = [line.split() for line in lines if line.split()[:1] == ["referrals_in"]]
    assert referrals_in[-2:] == ["<", "5"] and set(referrals_in[1:-2]) <= {"0"}
    as_csv = kring(referral_and_casework, "report", "--period", "year", "--csv",
                   "--municipality", "Utrecht", "--programme", "home-start")
    assert as_csv.returncode == 0, as_csv.stderr
    header, row = as_csv.stdout.splitlines()
    values = dict(zip(header.split(","), row.split(",")))
    assert (values["municipality"], values["referrals_in"]) == ("GM0344", "< 5")
    refused = kring(referral_and_casework, "report", "--municipality", "Atlantis")
    assert refused.returncode == 2 and "unknown municipality" in refused.stderr


def test_report_names_casework_when_it_does_not_answer(rabbit_config, tmp_path):
    running = start(rabbit_config, tmp_path, "referral")
    try:
        failed = kring(running, "report")
    finally:
        running.kill()
    assert failed.returncode == 1
    assert "casework" in failed.stderr
