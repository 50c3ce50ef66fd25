# Two commands do everything on a fresh machine:
#   make demo   runs the wait-until-exported workflow against the local emulator
#   make test   what CI runs (.ci/run): on the newest ansible-core (.venv) the emulator, end-to-end and
#               documentation tests, ansible-test units, integration and sanity; ansible-lint, the docs lint and the
#               docs site, the changelog lint and galaxy-importer; then the oldest supported ansible-core's leg
#               (test-oldest).
# Parts of it: make pytest, units, integration, sanity, lint, docs-lint, docs, changelog-lint, importer, test-matrix,
# test-oldest.
#
# Versions (tools/matrix.py): .venv is the `newest` leg, made with Python 3.13 (3.12 when 3.13 is missing), on
# which pip installs the newest ansible-core; the `oldest` leg (requires_ansible, ansible-core 2.19 on Python 3.11)
# has its own venv under .build/matrix. The release tools (ansible-lint, antsibull-docs, Sphinx, galaxy-importer)
# have their own venv, .build/release-venv, so that their pins never change the ansible-core under test.
# pytest runs on four workers, then the tests that time things alone (tools/matrix.py, tests/conftest.py).
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

.PHONY: demo test pytest sanity lint docs-lint docs changelog-lint importer test-matrix test-oldest collection clean \
	units integration

$(STAMP): requirements.txt tests/requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt -r tests/requirements.txt
	touch $(STAMP)

$(TOOLS_STAMP): tests/requirements-release.txt
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/python -m pip install --quiet --disable-pip-version-check -r tests/requirements-release.txt
	touch $(TOOLS_STAMP)

$(COLLECTION_LINK):
	mkdir -p $(dir $@)
	ln -sfn ../../../.. $@

demo: $(STAMP)
	$(BIN)/python -m tools.demo

test: pytest units integration sanity lint docs changelog-lint importer test-oldest
# In make test, ansible-test units runs tests/unit (make units); pytest leaves them out.
test: PYTEST_ARGS := --ignore=tests/unit

pytest: $(STAMP) $(COLLECTION_LINK)
	$(BIN)/python tools/matrix.py pytest $(PYTEST_ARGS)

# ansible-test on a copy of the checkout (tools/ansible_test.py): units runs tests/unit, integration the targets in
# tests/integration/targets against one emulator. One target: .venv/bin/python -m tools.ansible_test integration NAME.
units: $(STAMP)
	$(BIN)/python -m tools.ansible_test units

integration: $(STAMP)
	$(BIN)/python -m tools.ansible_test integration

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

# Both legs: the newest ansible-core is what .venv has (make pytest sanity); the oldest gets its own venv and runs
# the unit and end-to-end tests and sanity (not tests/emulator and tests/release, which do not depend on
# ansible-core: see tools/matrix.py).
test-matrix: pytest sanity test-oldest

test-oldest: $(COLLECTION_LINK)
	python3 tools/matrix.py run oldest

collection: $(STAMP)
	$(BIN)/ansible-galaxy collection build --force --output-path .build/dist .

clean:
	rm -rf $(VENV) .build .ansible tests/output
