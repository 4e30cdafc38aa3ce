"""The register of Dutch municipalities: codes, names as people write them, close matches."""
import pytest

from services.referral.municipalities import Municipality, read_rows, register

UTRECHT = Municipality("GM0344", "Utrecht")


def test_the_register_holds_the_342_municipalities_of_2025_with_their_official_names():
    rows = read_rows()
    assert len(rows) == len({code for code, _ in rows}) == 342
    assert ("GM0820", "Nuenen, Gerwen en Nederwetten") in rows  # a comma inside a name


@pytest.mark.parametrize("text", ["GM0344", "gm0344", " GM0344 ", "Utrecht", "utrecht",
                                  " UTRECHT ", "Gemeente Utrecht"])
def test_a_code_or_a_name_finds_utrecht(text):
    assert register().find(text) == UTRECHT


@pytest.mark.parametrize("text,code", [
    ("'s-Gravenhage", "GM0518"), ("s Gravenhage", "GM0518"), ("Den Haag", "GM0518"),
    ("den-haag", "GM0518"), ("Den Bosch", "GM0796"), ("'s-Hertogenbosch", "GM0796"),
    ("Hengelo", "GM0164"), ("Hengelo (O.)", "GM0164"), ("Súdwest-Fryslân", "GM1900"),
    ("sudwest fryslan", "GM1900"), ("Nuenen, Gerwen en Nederwetten", "GM0820"),
    ("Bergen (NH.)", "GM0373"), ("Bergen NH", "GM0373"), ("Bergen (L.)", "GM0893"),
    ("De Bilt", "GM0310"), ("debilt", "GM0310"),
])
def test_names_match_without_regard_to_case_accents_punctuation_and_suffix(text, code):
    assert register().find(text).code == code


@pytest.mark.parametrize("text", ["Utrect", "GM9999", "0344", "", "Bergen", "Atlantis"])
def test_what_names_no_single_municipality_finds_none(text):
    assert register().find(text) is None


def test_an_unknown_name_is_told_with_close_matches():
    assert register().unknown("Utrect") == "unknown municipality 'Utrect'; did you mean: Utrecht?"
    assert "Bergen (NH.)" in register().unknown("Bergen")
    assert "Bergen (L.)" in register().unknown("Bergen")
    assert register().unknown("Atlantis") == "unknown municipality 'Atlantis'"
