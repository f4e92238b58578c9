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
	$(BIN)/python -m pip install -q -e '.[test,demo,bench]'
	$(BIN)/python -m pytest -q -m 'bench or slow' tests/bench -s

# Main screen, help and browser modals are rendered by minbrowse.ui.screenshots.render; the editor,
# tool and transfers modals come from their snapshot tests (same fixed app states), re-run here.
screenshots: $(STAMP)
	$(BIN)/python -m minbrowse.ui.screenshots.render screenshots
	$(BIN)/python -m pytest -q tests/ui/editors/test_editor_snapshots.py tests/ui/tools/test_tool_snapshots.py tests/ui/test_transfers_units.py tests/ui/test_layout_80x24.py --snapshot-update
	mkdir -p screenshots/editors screenshots/tools
	for f in tests/ui/editors/__snapshots__/*/*.svg; do n=$$(basename "$$f" .svg | sed -E 's/.*\[(.*)\]/\1/; s/^test_//'); cp "$$f" "screenshots/editors/$$n.svg"; done
	for f in tests/ui/tools/__snapshots__/*/*.svg; do n=$$(basename "$$f" .svg | sed -E 's/.*\[(.*)\]/\1/'); cp "$$f" "screenshots/tools/$$n.svg"; done
	cp tests/ui/__snapshots__/test_transfers_units/test_transfers_screen_snapshot.svg screenshots/transfers.svg
	cp tests/ui/__snapshots__/test_transfers_units/test_transfers_screen_bulk_jobs_snapshot.svg screenshots/transfers_bulk.svg
	cp tests/ui/__snapshots__/test_layout_80x24/*.svg screenshots/ && cd screenshots && for f in test_*_80x24_snapshot.svg; do mv "$$f" "$$(echo $$f | sed -E 's/^test_(.*)_snapshot/\1/')"; done

clean:
	rm -rf $(VENV) .pytest_cache build *.egg-info
