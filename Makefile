# Two commands: `make run` (the app with demo data) and `make test` (the whole suite).
# Both bootstrap themselves and are idempotent: a second run only does what changed.
PYTHON ?= python3
PORT ?= 5000
VENV := .venv
BIN := $(VENV)/bin
CATALOGS := $(patsubst %.po,%.mo,$(wildcard translations/*/LC_MESSAGES/messages.po))
export FLASK_APP := wsgi.py

.PHONY: run test bootstrap check-python translations-extract screenshots

run: bootstrap
	$(BIN)/flask db upgrade
	$(BIN)/flask seed-demo
	$(BIN)/flask processes sync
	@echo "Liên Thông: http://127.0.0.1:$(PORT) — tài khoản demo trong README (mật khẩu lienthong-demo)"
	$(BIN)/waitress-serve --listen=127.0.0.1:$(PORT) --threads=8 wsgi:app

test: bootstrap
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# A picture of every main page per role, desktop and phone, from a throw-away demo installation.
screenshots: bootstrap
	$(BIN)/python -m tests.web.screenshots $(OUT)

bootstrap: $(VENV)/.installed node_modules/.installed $(CATALOGS)

check-python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Cần Python >= 3.11 / Python 3.11 or newer is required")'

$(VENV)/.installed: requirements.txt requirements-dev.txt requirements-fonts.txt | check-python
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --disable-pip-version-check -q -r requirements-dev.txt
	$(BIN)/python -m pip install --disable-pip-version-check -q --no-deps -r requirements-fonts.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

translations/%/LC_MESSAGES/messages.mo: translations/%/LC_MESSAGES/messages.po $(VENV)/.installed
	$(BIN)/pybabel compile -i $< -o $@

# For developers: refresh the English catalogue after changing Vietnamese source strings.
translations-extract: $(VENV)/.installed
	PYTHONPATH=. $(BIN)/pybabel extract -F babel.cfg -k _l -o translations/messages.pot .
	$(BIN)/pybabel update -i translations/messages.pot -d translations -l en
