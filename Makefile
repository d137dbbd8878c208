# Two commands: `make run` sets everything up and serves the site; `make test` runs every test.

VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/test

# The newest Python 3.12+ that really runs: pyenv's shims are on PATH but refuse to run without
# PYENV_VERSION, so each candidate is tried, not just found.
FIND_PYTHON = for candidate in python3.14 python3.13 python3.12 python3 \
	$$(ls -d $$HOME/.pyenv/versions/3.1*/bin/python3 2>/dev/null | sort -Vr); do \
	if "$$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; then \
	echo "$$candidate"; break; fi; done

.PHONY: run test lint serve-setup

run: serve-setup
	HTTPS=off $(VENV)/bin/gunicorn newsarchive.wsgi --bind 127.0.0.1:$(PORT) --workers 2 --access-logfile -

serve-setup: $(VENV)/.installed var/secret_key
	$(PY) manage.py migrate --no-input
	$(PY) manage.py collectstatic --no-input --verbosity 0
	$(PY) manage.py import_articles seeds/

test: $(VENV)/.installed var/secret_key lint
	$(PY) -m pytest
	DATABASE_URL=$(TEST_DATABASE_URL) $(PY) -m pytest -m "not browser"

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

$(PY):
	@python=$$($(FIND_PYTHON)); \
	if [ -z "$$python" ]; then \
		echo "No Python 3.12 or newer found (Django 6 needs one): install python3.12 or newer and run make again." >&2; \
		exit 1; \
	fi; \
	echo "Creating $(VENV) with $$python ($$("$$python" --version))"; \
	"$$python" -m venv $(VENV)

$(VENV)/.installed: requirements.txt requirements-dev.txt | $(PY)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

var/secret_key:
	mkdir -p var
	$(PY) -c 'import secrets; print(secrets.token_urlsafe(50))' > $@
	chmod 600 $@
