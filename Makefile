# Two commands do everything on a fresh machine:
#   make demo   runs the wait-until-exported workflow against the local emulator
#   make test   unit, emulator and end-to-end tests, ansible-test sanity, ansible-lint, the docs lint,
#               the changelog lint and galaxy-importer
# and for a release: make test-matrix (the oldest supported ansible-core too), make docs (the docs site).
#
# .venv is made with Python 3.11 when present (ansible-core 2.19, the release every test of 1.1 was run on);
# ansible-core 2.21 on Python 3.13 is not yet clean (see the changelog), so it is not the default. The release
# tools (ansible-lint, antsibull-docs, Sphinx, galaxy-importer) have their own venv, .build/release-venv, so that
# their pins never change the ansible-core under test.
PYTHON ?= $(shell python3 tools/matrix.py python 3.11 3.12 3.13)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TOOLS := .build/release-venv
TOOLS_STAMP := $(TOOLS)/.installed
# The checkout as ansible_collections/hwcloud/workspace, for the tools that look for installed collections.
COLLECTIONS := .build/collections
COLLECTION_LINK := $(COLLECTIONS)/ansible_collections/hwcloud/workspace
WITH_TOOLS := PATH="$(CURDIR)/$(TOOLS)/bin:$$PATH" ANSIBLE_COLLECTIONS_PATH="$(CURDIR)/$(COLLECTIONS)"

.PHONY: demo test pytest sanity lint docs-lint docs changelog-lint importer test-matrix test-oldest collection clean

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

test: pytest sanity lint docs-lint changelog-lint importer

pytest: $(STAMP)
	$(BIN)/python -m pytest -q

sanity: $(STAMP)
	$(BIN)/python -m tools.sanity

# ansible-lint's production profile on the whole repository (it keeps a work copy in .ansible/).
lint: $(TOOLS_STAMP)
	$(WITH_TOOLS) ansible-lint --profile production --nocolor

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

# The newest ansible-core is what .venv has (make pytest sanity); the oldest gets its own venv.
test-matrix: pytest sanity test-oldest

test-oldest:
	python3 tools/matrix.py run oldest

collection: $(STAMP)
	$(BIN)/ansible-galaxy collection build --force --output-path .build/dist .

clean:
	rm -rf $(VENV) .build .ansible tests/output
