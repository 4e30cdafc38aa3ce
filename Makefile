# Two commands do everything on a fresh machine: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test demo docs clean migrate migration bench bench-scale image screenshots

# The stamp is rebuilt whenever the pins change, so a pull that bumps a version reinstalls.
$(STAMP): pyproject.toml constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[test]'
	@touch $(STAMP)

# The portal's one CSS file (NL Design System tokens and components) and htmx, from the npm
# packages services/portal/assets/package-lock.json pins (scripts/build_portal.py); rebuilt
# when the pins or the portal's own CSS change.
PORTAL_STATIC := services/portal/static/portal.css
$(PORTAL_STATIC): services/portal/assets/package-lock.json services/portal/assets/package.json \
		services/portal/assets/portal.css scripts/build_portal.py
	$(PYTHON) scripts/build_portal.py || python3 scripts/build_portal.py

# The shipped provider directory routes the demo's referrals, unless KRING_DIRECTORY says otherwise.
# `exec`: kring is make's own child, not a shell's, so make waits for kring's graceful stop
# before it exits (a shell in between died at the first signal and make with it, while kring
# was still stopping); make passes a SIGTERM on to it, which kring takes as the one stop it is
# already making (README.md "Stopping").
run: $(STAMP) $(PORTAL_STATIC)
	@$(BIN)/python scripts/ensure_services.py
	KRING_DIRECTORY=$${KRING_DIRECTORY:-examples/directory.json} exec $(BIN)/kring run --dev

test: $(STAMP) $(PORTAL_STATIC)
	@$(BIN)/python scripts/ensure_services.py --postgres --promtool --containers --browser
	$(BIN)/python -m pytest $(PYTEST_ARGS)

demo: $(STAMP)
	$(BIN)/kring demo

# The one image of docker-compose.yml and deploy/k8s (deploy/Dockerfile), the portal's static
# files built first; docker, else podman (README "Running the full stack with Docker Compose").
IMAGE ?= kring:latest
image: $(PORTAL_STATIC)
	$$(command -v docker || command -v podman) build -f deploy/Dockerfile -t $(IMAGE) .

# docs/images/portal-*.png: Kring as `make run` runs it, the demo's families, the pages in
# Debian's Chromium (scripts/screenshots.py).
screenshots: $(STAMP) $(PORTAL_STATIC)
	@$(BIN)/python scripts/ensure_services.py --browser
	$(BIN)/python scripts/screenshots.py

# The throughput bench (bench/README.md): its extra (matplotlib) and its gateway (nginx) are
# installed here only, not for `make test`. BENCH_ARGS=--quick for a short run.
bench: $(STAMP)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[test,bench]'
	@$(BIN)/python scripts/ensure_services.py --nginx
	$(BIN)/python bench/throughput.py $(BENCH_ARGS)

# How the database work of each step grows with the data, at 1k, 10k and 100k referrals
# (bench/README.md "scale.py"); SQLite files in a temporary folder, no broker. BENCH_ARGS as
# for bench/scale.py (--sizes 1000 10000 for a short run).
bench-scale: $(STAMP)
	$(BIN)/python bench/scale.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) var build *.egg-info services/portal/static services/portal/assets/node_modules

# The API documents and the deploy files that follow from the code (broker definitions, the
# gateway's routes) are generated; a test fails when any of them is stale.
docs: $(STAMP)
	$(BIN)/python -m kring.contracts.documents
	$(BIN)/python -m kring.deployment

# Each service's database schema at this version's newest revision (services also do so as
# they start); README.md "Upgrading".
migrate: $(STAMP)
	$(BIN)/kring migrate $(SERVICE)

# A new schema revision for every service whose models changed (or SERVICE=name only): read
# it, then commit it with the change of the models (README.md "Changing the schema").
migration: $(STAMP)
	@test -n "$(MESSAGE)" || { echo 'make migration MESSAGE="what changes" [SERVICE=name]'; exit 2; }
	$(BIN)/python scripts/new_migration.py "$(MESSAGE)" $(SERVICE)
