# The two commands of the README: `make report` (main job on the sample data) and
# `make test`. Both build .venv from requirements.lock when it is missing or stale.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-from-lock
# The synthetic sample was extracted 2026-11-05; on real data use REPORT_ARGS=--latest
REPORT_ARGS ?= --latest --as-of 2026-11-22

.PHONY: report test lab lock clean-data

$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -e .
	$(BIN)/python -m ipykernel install --sys-prefix --name snanalys --display-name "Python (snanalys)"
	$(BIN)/python -m snanalys.reporting.templates   # nbconvert --template snanalys_page (README)
	touch $(STAMP)

# `snanalys report` never writes the sample (an unmounted data folder must stop a scheduled
# run); on a fresh clone, with no municipality in data/raw, this target writes it first.
report: $(STAMP)
	$(BIN)/snanalys sample --if-no-data
	$(BIN)/snanalys report $(REPORT_ARGS)

test: $(STAMP)
	$(BIN)/python -m pytest

lab: $(STAMP)
	$(BIN)/jupyter lab notebooks/

# Re-pin after changing dependencies: install what pyproject.toml asks for, then freeze.
lock: $(STAMP)
	$(BIN)/pip install --quiet -e '.[test]'
	{ echo "# Exact versions the README's commands install (make builds .venv from this file)."; \
	  echo "# Regenerate: make lock  (after changing dependencies in pyproject.toml and environment.yml)"; \
	  $(BIN)/pip freeze --exclude-editable | grep -v '^snanalys'; } > requirements.lock

clean-data:
	rm -rf data/processed/[0-9]* reports/[0-9]* reports/_internal
