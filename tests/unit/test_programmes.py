"""Programme definitions (docs/contract.md §2 "Programmes"): the shipped ones, an operator's
folder that adds or replaces, and the errors that name the file and the field."""
import pytest
import yaml

from kring import programmes
from kring.contracts.programme import Programme
from kring.config import ConfigError, Settings
from kring.programmes import ProgrammeError, load, read

HOME_START = programmes.SHIPPED / "home-start.yaml"


def test_the_shipped_programmes_cover_every_code_the_directory_examples_use():
    catalogue = load()
    assert catalogue.codes == ("family-help", "family-trajectory", "home-start",
                               "individual-guidance")
    home_start = catalogue.get("home-start")
    assert (home_start.kind, home_start.commission_required, home_start.duration,
            home_start.rhythm, home_start.supporter_kinds) == (
        "volunteer_family_support", False, {"min_months": 3, "max_months": 18},
        {"every": "weekly", "visit": "half_day"}, ("volunteer", "professional"))
    trajectory = catalogue.get("family-trajectory")
    assert (trajectory.kind, trajectory.commission_required, trajectory.supporter_kinds) == (
        "professional_family_trajectory", True, ("professional",))
    assert catalogue.get("individual-guidance").kind == "individual_guidance"


def test_an_unknown_code_is_handled_as_the_default_programme():
    catalogue = load()
    assert catalogue.get("knitting-club") is None
    assert catalogue.of("knitting-club") is catalogue.of(None) is catalogue.get("home-start")


def write(folder, name, text):
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def definition(**changes):
    text = HOME_START.read_text(encoding="utf-8")
    for old, new in changes.items():
        assert old in text
        text = text.replace(old, new)
    return text


def test_an_operators_folder_adds_programmes_and_replaces_shipped_ones(tmp_path):
    write(tmp_path, "mine.yaml", definition(**{"code: home-start": "code: buddy",
                                               "max_months: 18": "max_months: 9"}))
    write(tmp_path, "home-start.yaml", definition(**{"max_months: 18": "max_months: 24"}))
    catalogue = load(tmp_path)
    assert catalogue.get("buddy").duration["max_months"] == 9
    assert catalogue.get("home-start").duration["max_months"] == 24
    assert "family-trajectory" in catalogue


@pytest.mark.parametrize("changes,said", [
    ({"kind: volunteer_family_support": "kind: knitting"}, "kind: Must be one of"),
    ({"min_months: 3": "min_months: 30"}, "duration.min_months: may not be above max_months"),
    ({"supporter_kinds: [volunteer, professional]": "supporter_kinds: [robot]"},
     "supporter_kinds.0: Must be one of"),
    ({"  low: {count: 1, every: 6, unit: weeks}\n": ""},
     "aftercare: a schedule for every severity: low missing"),
    ({"unit: weeks}\n  medium": "unit: years}\n  medium"}, "aftercare.high.unit: Must be one of"),
    ({"code: home-start": "code: Home Start"}, "code: lower-case letters"),
    ({"commission_required: false\n": ""}, "commission_required: Missing data"),
    ({"rhythm: {every: weekly, visit: half_day}":
      "rhythm: {every: weekly, visit: half_day, colour: red}"}, "rhythm.colour: Unknown field"),
    ({"{code: referred_on, name: {nl: Doorverwezen, en: Referred on}}":
      "{code: goals_met, name: {nl: Doorverwezen, en: Referred on}}"},
     "closure_reasons: each code once"),
])
def test_a_bad_definition_names_the_file_and_the_field(tmp_path, changes, said):
    path = write(tmp_path, "bad.yaml", definition(**changes))
    with pytest.raises(ProgrammeError) as refused:
        read(path)
    assert str(refused.value).startswith(f"{path}: ")
    assert said in str(refused.value)


@pytest.mark.parametrize("text,said", [
    ("code: [unclosed", "cannot be read"),
    ("- just\n- a list\n", "must hold one programme definition"),
])
def test_a_file_that_is_no_definition_is_refused(tmp_path, text, said):
    path = write(tmp_path, "bad.yaml", text)
    with pytest.raises(ProgrammeError, match=said):
        read(path)


def test_the_same_code_twice_in_a_folder_is_refused(tmp_path):
    write(tmp_path, "a.yaml", definition(**{"code: home-start": "code: buddy"}))
    write(tmp_path, "b.yaml", definition(**{"code: home-start": "code: buddy"}))
    with pytest.raises(ProgrammeError, match="code buddy is defined twice"):
        load(tmp_path)


def test_a_bad_file_or_folder_refuses_the_start(tmp_path):
    write(tmp_path, "bad.yaml", definition(**{"kind: volunteer_family_support": "kind: x"}))
    with pytest.raises(ConfigError, match=r"KRING_PROGRAMMES: .*bad\.yaml: kind: "):
        Settings.from_env({"KRING_PROGRAMMES": str(tmp_path)})
    with pytest.raises(ConfigError, match="not a folder"):
        Settings.from_env({"KRING_PROGRAMMES": str(tmp_path / "missing")})


def test_a_good_folder_is_the_setting(tmp_path):
    write(tmp_path, "mine.yaml", definition(**{"code: home-start": "code: buddy"}))
    assert Settings.from_env({"KRING_PROGRAMMES": str(tmp_path)}).programmes == str(tmp_path)
    assert Settings.from_env({}).programmes is None
    assert "buddy" in programmes.current({"KRING_PROGRAMMES": str(tmp_path)})


def test_the_view_is_what_the_schema_describes():
    shown = load().get("home-start").view()
    assert Programme().load(shown) == Programme().load(
        yaml.safe_load(HOME_START.read_text(encoding="utf-8")))
