# The two contract commands: `make demo` and `make test`. Both set up .venv from nothing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TESTSTAMP := $(VENV)/.installed-test
# Three test processes on two cores: most tests wait on sockets, timers and child processes (one process
# keeps ~1.3 cores busy), so the suite takes about half the wall time of one process.
# `make test PYTEST_JOBS=` runs them in one process, e.g. to debug.
# --max-worker-restart=0: a worker that dies (the 120 s per-test timeout ends a hung test with os._exit)
# ends the run naming its test; replacing it hangs xdist's loadfile scheduler (pytest-xdist #784, #1323).
PYTEST_JOBS ?= -n 3 --dist loadfile --max-worker-restart=0

.PHONY: demo test bench venv clean screenshots translations dist smoke-dist

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(STAMP): pyproject.toml setup.py | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(TESTSTAMP): pyproject.toml setup.py | $(BIN)/python
	$(BIN)/pip install -q -e '.[test]'
	touch $(STAMP) $@

venv: $(STAMP)

demo: $(STAMP)
	$(BIN)/controlroom demo $(ARGS)

test: $(TESTSTAMP)
	$(BIN)/lint-imports
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q $(PYTEST_JOBS) $(PYTEST_ARGS)

bench: $(TESTSTAMP)
	$(BIN)/python -m bench $(ARGS)

# resources/translations/controlroom_zh_CN.ts is the source of truth (edit it in Qt Linguist): pyside6-lupdate
# adds new strings from the sources (keeping existing translations), pyside6-lrelease compiles the .qm files.
translations: $(TESTSTAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m ui.i18n

# The README's desk screenshots, from a real demo shop and core (offscreen).
screenshots: $(TESTSTAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m ui.screenshot docs/screenshots/desk-zh_CN.png --lang zh_CN
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m ui.screenshot docs/screenshots/desk-en.png --lang en
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m ui.screenshot docs/screenshots/desk-zh_CN-light.png --lang zh_CN --theme light
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m ui.screenshot docs/screenshots/desk-en-light.png --lang en --theme light

BUILDSTAMP := $(VENV)/.installed-build

$(BUILDSTAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[build]'
	touch $(STAMP) $@

# The one-folder app in dist/controlroom/ (PyInstaller on build.spec), and its smoke test.
dist: $(BUILDSTAMP)
	$(BIN)/pyinstaller --noconfirm --log-level WARN build.spec

smoke-dist: dist
	scripts/smoke_dist.sh

clean:
	rm -rf $(VENV) build dist *.egg-info
