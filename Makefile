# Two commands do everything on a fresh machine:
#   make demo   runs the wait-until-exported workflow against the local emulator
#   make test   what CI runs (.ci/run), three at a time: every leg of the version matrix (on each supported
#               ansible-core ansible-test units and every integration target in the controller and shipped;
#               pytest's every-module comparison and sanity on the oldest: tools/matrix.py LEGS), the newest leg's
#               sanity, the execution environments, pytest on the newest ansible-core (.venv), the event source
#               with ansible-rulebook, ansible-lint, the docs lint and the docs site, the changelog lint and
#               galaxy-importer; then the time of every leg.
# Parts of it: make pytest, units, integration, sanity, eda-test, ee-test, lint, docs-lint, docs, changelog-lint,
# importer, test-matrix, and one leg: make leg-2.16 (any leg of `python3 tools/matrix.py legs`).
#
# Versions (tools/matrix.py): .venv is the `newest` leg, made with Python 3.13 (3.12 when 3.13 is missing), on
# which pip installs the newest ansible-core; every other leg (2.16 on Python 3.11 ... 2.20 on 3.12) has its own
# venv under .build/matrix, kept between runs. The release tools (ansible-lint, antsibull-docs, Sphinx,
# galaxy-importer) have their own venv, .build/release-venv, so that their pins never change the ansible-core under
# test. pytest runs on four workers (tools/matrix.py).
PYTHON ?= $(shell python3 tools/matrix.py python newest)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TOOLS := .build/release-venv
TOOLS_STAMP := $(TOOLS)/.installed
# The checkout as ansible_collections/hwcloud/workspace, for the tools that look for installed collections.
COLLECTIONS := .build/collections
COLLECTION_LINK := $(COLLECTIONS)/ansible_collections/hwcloud/workspace
TOOLS_PATH := PATH="$(CURDIR)/$(TOOLS)/bin:$$PATH"
WITH_TOOLS := $(TOOLS_PATH) ANSIBLE_COLLECTIONS_PATH="$(CURDIR)/$(COLLECTIONS)"
# Event-Driven Ansible: ansible-rulebook in a venv of its own (tests/requirements-eda.txt), so that its pins never
# change the ansible-core under test. It runs on Python 3.12 (3.13 when 3.12 is missing) and needs Java 17.
EDA_PYTHON ?= $(shell python3 tools/matrix.py python 3.12 3.13)
EDA_VENV := .build/eda-venv
EDA_STAMP := $(EDA_VENV)/.installed
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)

LEGS := $(shell python3 tools/matrix.py legs)
LEG_CHECKS := $(addprefix leg-,$(LEGS))

.PHONY: demo test pytest sanity lint docs-lint docs changelog-lint importer test-matrix eda-test collection \
	clean units integration ee-test $(LEG_CHECKS)

$(STAMP): requirements.txt tests/requirements.txt tests/requirements-checks.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt -r tests/requirements.txt \
		-r tests/requirements-checks.txt
	touch $(STAMP)

$(TOOLS_STAMP): tests/requirements-release.txt
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/python -m pip install --quiet --disable-pip-version-check -r tests/requirements-release.txt
	touch $(TOOLS_STAMP)

$(EDA_STAMP): tests/requirements-eda.txt
	$(EDA_PYTHON) -m venv $(EDA_VENV)
	$(EDA_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r tests/requirements-eda.txt
	touch $(EDA_STAMP)

$(COLLECTION_LINK):
	mkdir -p $(dir $@)
	ln -sfn ../../../.. $@

demo: $(STAMP)
	$(BIN)/python -m tools.demo

# Beside each other, JOBS at a time, each target's output shown whole when it ends, every check even after one
# failed, the longest first: the legs, those with the most parts first (the execution environments and sanity after
# the first of them), then pytest, which keeps its four workers and the cores busy while the last legs end. Then the
# time of every leg (a failed check too). Three on two cores: beside others a leg keeps about 0.6 of a core busy (it
# waits on its exports, on ansible-playbook's start, on its unit tests' local HTTP). Measured: pytest first made
# each check beside it take more CPU time, and four at a time each leg; both ended later.
JOBS := 3
# The legs of LEGS (all of them, unless given: make test LEGS=newest), those with the most parts first.
LEGS_LONGEST_FIRST := $(filter $(LEG_CHECKS),$(addprefix leg-,$(shell python3 tools/matrix.py legs --longest-first)))
FIRST_LEGS := $(wordlist 1,$(JOBS),$(LEGS_LONGEST_FIRST))
CHECKS := $(FIRST_LEGS) ee-test sanity $(filter-out $(FIRST_LEGS),$(LEGS_LONGEST_FIRST)) pytest lint importer docs \
	eda-test changelog-lint
# The venvs first: make starts a check whose prerequisites are being made only after the checks behind it that need
# none.
test:
	$(MAKE) -j$(JOBS) $(STAMP) $(TOOLS_STAMP) $(EDA_STAMP) $(COLLECTION_LINK)
	$(MAKE) -j$(JOBS) --keep-going --output-sync=target $(CHECKS) PYTEST_ARGS=--ignore=tests/unit; status=$$?; \
		python3 tools/matrix.py times; exit $$status

pytest: $(STAMP) $(COLLECTION_LINK)
	$(BIN)/python tools/matrix.py pytest $(PYTEST_ARGS)

# ansible-test on a copy of the checkout (tools/ansible_test.py), on the newest leg: units runs tests/unit,
# integration the targets in tests/integration/targets on both execution paths (in the controller and shipped), each
# against an emulator of its own. One target: .venv/bin/python -m tools.ansible_test integration NAME.
units: $(STAMP)
	$(BIN)/python -m tools.ansible_test units

integration: $(STAMP)
	$(BIN)/python -m tools.ansible_test integration

# The event source's end-to-end tests (tests/eda): ansible-rulebook runs the example rulebook against the emulator,
# driven by .venv's pytest; make pytest does not collect them (tests/eda/conftest.py). Java is installed when missing
# (CI starts on a fresh machine); the source's unit tests are part of make pytest.
eda-test: $(STAMP) $(EDA_STAMP) $(COLLECTION_LINK)
	@command -v java >/dev/null 2>&1 || { echo 'eda-test: no java, installing openjdk-17-jre-headless'; \
		$(SUDO) apt-get -o DPkg::Lock::Timeout=600 update -qq && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq openjdk-17-jre-headless; }
	HWCLOUD_WORKSPACE_EDA_VENV="$(CURDIR)/$(EDA_VENV)" $(BIN)/python -m pytest -q tests/eda

# The execution and decision environments (tests/ee, harness tools/ee.py): built with podman from the shipped
# definitions in extensions/ee on a base image made locally with mmdebstrap (cached under .build/ee), then the EE runs
# the life cycle with ansible-navigator and as an AWX job, the DE runs the rulebook, and the Automation Platform
# guide's container commands run. podman, runc and mmdebstrap are installed when missing (CI starts on a fresh machine),
# waiting for apt's lock, which eda-test may hold beside it.
ee-test: $(STAMP)
	@command -v podman >/dev/null 2>&1 && command -v runc >/dev/null 2>&1 && command -v mmdebstrap >/dev/null 2>&1 || { \
		echo 'ee-test: installing podman, runc and mmdebstrap'; $(SUDO) apt-get -o DPkg::Lock::Timeout=600 update -qq && \
		$(SUDO) DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq podman runc mmdebstrap; }
	HWCLOUD_WORKSPACE_EE=1 $(BIN)/python -m pytest -q tests/ee

sanity: $(STAMP)
	$(BIN)/python -m tools.sanity

# ansible-lint's production profile on the whole repository (it keeps a work copy in .ansible/). Without
# ANSIBLE_COLLECTIONS_PATH: with it set, ansible-lint installs the collection into ~/.ansible/collections instead.
lint: $(TOOLS_STAMP)
	$(TOOLS_PATH) ansible-lint --profile production --nocolor

docs-lint: $(TOOLS_STAMP) $(COLLECTION_LINK)
	$(WITH_TOOLS) antsibull-docs lint-collection-docs --plugin-docs --validate-collection-refs=all \
		--disallow-unknown-collection-refs --check-extra-docs-refs .

# The docs site in .build/docs/build/html, built offline with warnings as errors (tools/docs.py).
docs: docs-lint
	$(WITH_TOOLS) $(TOOLS)/bin/python -m tools.docs

changelog-lint: $(STAMP)
	$(BIN)/antsibull-changelog lint

# galaxy-importer on the built tarball, as Galaxy runs it but without its container step; any warning fails.
importer: $(TOOLS_STAMP)
	$(WITH_TOOLS) $(TOOLS)/bin/python -m tools.importer

# The version matrix (tools/matrix.py): every leg JOBS at a time, then their times. A leg is the parts
# tools/matrix.py LEGS gives it (ansible-test units, integration on one or both paths, pytest's OLDEST_TESTS,
# sanity); one leg with every part: python3 tools/matrix.py run 2.17 --all. The newest leg uses .venv; the others make their venv
# under .build/matrix/<leg> when it is missing or stale.
test-matrix:
	$(MAKE) -j$(JOBS) --keep-going --output-sync=target $(LEG_CHECKS); status=$$?; python3 tools/matrix.py times; exit $$status

leg-newest: $(STAMP)
	python3 tools/matrix.py run newest

$(filter-out leg-newest,$(LEG_CHECKS)): leg-%: $(COLLECTION_LINK)
	python3 tools/matrix.py run $*

collection: $(STAMP)
	$(BIN)/ansible-galaxy collection build --force --output-path .build/dist .

clean:
	rm -rf $(VENV) .build .ansible tests/output
