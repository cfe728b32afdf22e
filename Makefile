# The two commands: `make report` (the main job) and `make test`.
# Both create .venv and install what they need on a machine with only Python 3.11+ and make.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PERIOD ?=

.PHONY: report test lab bench lint samples clean-venv

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[dev,lab]"
	touch $(STAMP)

report: $(STAMP)
	$(BIN)/civicstats report $(if $(PERIOD),--period $(PERIOD),--latest)

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -n 2 -q

lab: $(STAMP)
	$(BIN)/python -m ipykernel install --sys-prefix --name civicstats --display-name "civicstats (.venv)"
	$(BIN)/jupyter lab --notebook-dir=notebooks

bench: $(STAMP)
	@for b in benchmarks/bench_*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

lint: $(STAMP)
	$(BIN)/ruff check .

samples: $(STAMP)
	$(BIN)/python data/make_samples.py

clean-venv:
	rm -rf $(VENV)
