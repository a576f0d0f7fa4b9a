# `make demo` installs everything and renders the sample leaflet; `make test` runs the tests.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: demo test install lint preview benchmark clean messages

demo: install
	$(BIN)/leaflet build clonazepam-emotional-effects --format all

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
	pdftoppm -png -r 60 output/clonazepam-emotional-effects/clonazepam-emotional-effects.en.standard.a4.pdf output/png/page

benchmark: install
	$(BIN)/python benchmarks/render_seed.py

clean:
	rm -rf output/* $(VENV) build dist *.egg-info

# Refresh the translation template from the templates' chrome.
messages: install
	$(BIN)/pybabel extract -F babel.cfg --project leafletgen --copyright-holder "the leafletgen authors" -o locales/messages.pot .
