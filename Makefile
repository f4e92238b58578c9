# minbrowse developer tasks. Every target creates/updates the local venv first.
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: test demo bench screenshots clean venv

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test,demo]'
	touch $(STAMP)

venv: $(STAMP)

test: $(STAMP)
	$(BIN)/python -m pytest -q

demo: $(STAMP)
	$(BIN)/minbrowse --demo

bench: $(STAMP)
	$(BIN)/python -m pytest -q -m 'bench or slow' tests/bench -s

screenshots: $(STAMP)
	$(BIN)/python -m minbrowse.ui.screenshots screenshots

clean:
	rm -rf $(VENV) .pytest_cache build *.egg-info
