# Set-up and checks. `make test` and `make demo` work on a fresh machine with only python3.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
# Every extra users can install, so that each is installed and tested as published, and the
# `dev` dependency group (pyproject.toml): the test suite's drivers and servers, the linters,
# the type checkers, nox. `pip install --group` needs pip >= 25.1, hence the upgrade.
EXTRAS := docs,sqlalchemy,mongo,motor,beanie,odmantic,django,tortoise,dask
GROUP := dev

.PHONY: install lint typecheck docs docs-alone pytest nox nox-all test demo bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade "pip>=25.1"
	$(PY) -m pip install --quiet -e ".[$(EXTRAS)]" --group $(GROUP)
	touch $(STAMP)

install: $(STAMP)

lint: install
	$(VENV)/bin/ruff check async_factory_boy tests benchmarks examples tools noxfile.py docs/conf.py
	$(VENV)/bin/ruff format --check async_factory_boy tests benchmarks examples tools noxfile.py docs/conf.py

typecheck: install
	$(VENV)/bin/mypy --strict async_factory_boy
	$(VENV)/bin/pyright --pythonpath $(PY)

docs: install
	$(VENV)/bin/sphinx-build -W --keep-going -q -b html docs docs/_build/html

# The docs as a hosted build (Read the Docs, .readthedocs.yaml) makes them: in a venv with the
# `docs` extra alone, no driver (docs/conf.py mocks the missing ones for autodoc). The venv is
# kept in an ignored folder and refreshed when pyproject.toml changes. `make test` builds the
# docs this way only: the same pages, and what a user's browser will show.
DOCS_VENV ?= .venv-docs
DOCS_STAMP := $(DOCS_VENV)/.installed-stamp
$(DOCS_STAMP): pyproject.toml
	$(PYTHON) -m venv $(DOCS_VENV)
	$(DOCS_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -e ".[docs]"
	touch $(DOCS_STAMP)

docs-alone: $(DOCS_STAMP)
	$(DOCS_VENV)/bin/sphinx-build -W --keep-going -q -b html docs docs/_build/html

# The Django tests need Django settings, so they run in their own invocations (once per
# database); the main run leaves tests/django out; tests/contract runs in all three (the
# main run with every other backend's kit, the Django runs with the Django kit). Coverage is measured over the three runs
# (subprocesses included: the seed command, pytester) by `coverage run`, which starts before
# pytest loads this package's plugin, and checked against the floor in pyproject.toml
# ([tool.coverage.report] fail_under).
# The main run uses both cores (`-n 2`, pytest-xdist; coverage follows the workers through
# its subprocess patch): 8.7 min instead of 11.4 serially on the 2-core CI machine.
COVERAGE := $(VENV)/bin/coverage
pytest: install
	$(COVERAGE) erase
	$(COVERAGE) run -m pytest -n 2
	AFB_DJANGO_DB=sqlite $(COVERAGE) run -m pytest tests/django tests/contract --ds=tests.django.settings
	AFB_DJANGO_DB=postgres $(COVERAGE) run -m pytest tests/django tests/contract --ds=tests.django.settings
	$(COVERAGE) combine -q
	$(COVERAGE) report

# The other supported environments (Python 3.10-3.13, SQLAlchemy 2.0/2.1, Django 4.2/5.2/6,
# factory-boy 3.3.1/3.3.3, pytest-asyncio 0.24/newest) are declared in noxfile.py; `make test`
# runs this subset of them (`.venv/bin/nox -l` lists all, `make nox-all` runs all), and
# factory_boy's own suite on AsyncFactory with the fast path off, on, and with generated
# builds, for factory-boy 3.3.1 and 3.3.3 (the oracle of the fast path:
# tools/port_factory_boy_suite.py).
NOX := $(VENV)/bin/nox --reuse-existing-virtualenvs
NOX_OLDEST_TESTS := tests/core tests/sqlalchemy tests/sqlalchemy_legacy tests/test_compat.py
NOX_NEWEST_TESTS := tests/core tests/django tests/test_compat.py
nox: install
	$(NOX) -s "tests-3.10(oldest)" -- $(NOX_OLDEST_TESTS)
	$(NOX) -s "tests-3.13(newest)" -- $(NOX_NEWEST_TESTS)
	$(NOX) -s factory_boy_suite

nox-all: install
	$(NOX)

test: lint typecheck docs-alone pytest nox

# The seed command on the example blog schema, into an embedded SQLite file (started afresh:
# the factories' sequences restart at 0, so a second run would collide on unique emails).
# It needs only the core dependencies and the sqlalchemy extra (aiosqlite comes with it), so
# on a fresh clone tools/demo_env.py installs just those into .venv (which `make install`
# later completes), not every extra and tool, and skips what else a plain venv + editable
# install spends its time on (see the script).
DEMO_STAMP := $(VENV)/.demo-stamp
$(DEMO_STAMP): pyproject.toml tools/demo_env.py
	$(PYTHON) tools/demo_env.py $(VENV)
	touch $(DEMO_STAMP)

demo: $(DEMO_STAMP)
	rm -f seed.db
	$(PY) -m async_factory_boy seed examples.blog.factories:PostFactory --count 100 \
		--create-tables --url sqlite+aiosqlite:///./seed.db

bench: install
	$(PY) -m benchmarks

clean:
	rm -rf $(VENV) $(DOCS_VENV) .nox docs/_build .mypy_cache .ruff_cache .pytest_cache .coverage .coverage.*
