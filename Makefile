# `make demo` installs everything and renders the sample leaflet; `make test` runs the tests.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: demo test install lint preview benchmark clean

demo: install
	$(BIN)/leaflet build clonazepam-emotional-effects --variant all --format pdf,html --lang en,es,ar,ru
	$(BIN)/leaflet build clonazepam-emotional-effects --format brf,epub,audio --lang en,es,ar,ru
	$(BIN)/leaflet check clonazepam-emotional-effects --built

test: install
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml scripts/install-system-deps.sh
	./scripts/install-system-deps.sh
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $@

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Every page of the sample as PNG, to look at: output/png/
preview: demo
	mkdir -p output/png
	for pdf in output/clonazepam-emotional-effects/*.pdf; do pdftoppm -png -r 60 "$$pdf" "output/png/$$(basename "$$pdf" .pdf)"; done

benchmark: install
	$(BIN)/python benchmarks/speed.py

clean:
	rm -rf output/* $(VENV) build dist *.egg-info
