"""The provider directories the test stacks start with (KRING_DIRECTORY).

Every test stack routes: the sample referral (home-start in Utrecht) goes to "home-start-oost",
whose coordinators the integration tests act as. A stack driven by kring.client (the fault
tests, bench/soak.py, like `kring demo` against `make run`) acts as "home-start-utrecht": it
starts with the shipped examples/directory.json.
"""
from tests.support import ROOT

TEST_DIRECTORY = ROOT / "tests" / "support" / "directory.json"
EXAMPLE_DIRECTORY = ROOT / "examples" / "directory.json"
COORDINATING_ORG = "home-start-oost"  # of home-start in Utrecht, in TEST_DIRECTORY
OTHER_COORDINATING_ORG = "home-start-west"  # provides home-start elsewhere, not in Utrecht
