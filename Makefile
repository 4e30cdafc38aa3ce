# Two commands do everything on a fresh machine: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test demo docs clean bench

# The stamp is rebuilt whenever the pins change, so a pull that bumps a version reinstalls.
$(STAMP): pyproject.toml constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[test]'
	@touch $(STAMP)

# The shipped provider directory routes the demo's referrals, unless KRING_DIRECTORY says otherwise.
# `exec`: kring is make's own child, not a shell's, so make waits for kring's graceful stop
# before it exits (a shell in between died at the first signal and make with it, while kring
# was still stopping); make passes a SIGTERM on to it, which kring takes as the one stop it is
# already making (README.md "Stopping").
run: $(STAMP)
	@$(BIN)/python scripts/ensure_services.py
	KRING_DIRECTORY=$${KRING_DIRECTORY:-examples/directory.json} exec $(BIN)/kring run --dev

test: $(STAMP)
	@$(BIN)/python scripts/ensure_services.py --postgres --promtool
	$(BIN)/python -m pytest $(PYTEST_ARGS)

demo: $(STAMP)
	$(BIN)/kring demo

# The throughput bench (bench/README.md): its extra (matplotlib) is installed
# here only, not for `make test`. BENCH_ARGS=--quick for a short run.
bench: $(STAMP)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[test,bench]'
	@$(BIN)/python scripts/ensure_services.py
	$(BIN)/python bench/throughput.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) var build *.egg-info

# The API documents and the deploy files that follow from the code (broker definitions, the
# gateway's routes) are generated; a test fails when any of them is stale.
docs: $(STAMP)
	$(BIN)/python -m kring.contracts.documents
	$(BIN)/python -m kring.deployment
