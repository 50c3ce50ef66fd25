# Two commands do everything on a fresh machine:
#   make demo   runs the wait-until-exported workflow against the local emulator
#   make test   unit, emulator and end-to-end tests, then ansible-test sanity and the changelog lint
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test pytest sanity changelog-lint collection clean

$(STAMP): requirements.txt tests/requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt -r tests/requirements.txt
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/python -m tools.demo

test: pytest sanity changelog-lint

pytest: $(STAMP)
	$(BIN)/python -m pytest -q

sanity: $(STAMP)
	$(BIN)/python -m tools.sanity

changelog-lint: $(STAMP)
	$(BIN)/antsibull-changelog lint

collection: $(STAMP)
	$(BIN)/ansible-galaxy collection build --force --output-path .build/dist .

clean:
	rm -rf $(VENV) .build tests/output
