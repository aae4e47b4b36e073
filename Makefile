# Set-up and checks. `make test` and `make demo` work on a fresh machine with only python3.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
EXTRAS := test,docs,sqlalchemy,mongo,motor,django,tortoise,bench

.PHONY: install lint typecheck docs pytest pytest-sqlalchemy20 test demo bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[$(EXTRAS)]"
	touch $(STAMP)

install: $(STAMP)

lint: install
	$(VENV)/bin/ruff check async_factory_boy tests benchmarks examples
	$(VENV)/bin/ruff format --check async_factory_boy tests benchmarks examples

typecheck: install
	$(VENV)/bin/mypy --strict async_factory_boy

docs: install
	$(VENV)/bin/sphinx-build -W --keep-going -q -b html docs docs/_build/html

# The Django tests need Django settings, so they run in their own invocations (once per
# database); the main run leaves tests/django out. tests/contract runs in both: the main run
# with every other backend's kit, the Django runs with the Django kit.
pytest: install
	$(VENV)/bin/pytest
	AFB_DJANGO_DB=sqlite $(VENV)/bin/pytest tests/django tests/contract --ds=tests.django.settings
	AFB_DJANGO_DB=postgres $(VENV)/bin/pytest tests/django tests/contract --ds=tests.django.settings

# The SQLAlchemy backend supports 2.0 and 2.1: the main venv has 2.1, a second small venv
# runs the SQLAlchemy tests on 2.0.
VENV_SA20 ?= .venv-sqlalchemy20
STAMP_SA20 := $(VENV_SA20)/.installed-stamp

$(STAMP_SA20): pyproject.toml
	$(PYTHON) -m venv $(VENV_SA20)
	$(VENV_SA20)/bin/python -m pip install --quiet --upgrade pip
	$(VENV_SA20)/bin/python -m pip install --quiet -e . "sqlalchemy[asyncio]>=2.0.20,<2.1" \
		aiosqlite asyncpg "psycopg[binary]" asyncmy pytest pytest-asyncio anyio sqlmodel
	touch $(STAMP_SA20)

pytest-sqlalchemy20: $(STAMP_SA20)
	$(VENV_SA20)/bin/pytest -p no:cacheprovider tests/sqlalchemy tests/sqlalchemy_legacy

test: lint typecheck docs pytest pytest-sqlalchemy20

# The seed command on the example blog schema, into an embedded SQLite file (started afresh:
# the factories' sequences restart at 0, so a second run would collide on unique emails).
demo: install
	rm -f seed.db
	$(PY) -m async_factory_boy seed examples.blog.factories:PostFactory --count 100 \
		--create-tables --url sqlite+aiosqlite:///./seed.db

bench: install
	$(PY) -m benchmarks

clean:
	rm -rf $(VENV) $(VENV_SA20) docs/_build .mypy_cache .ruff_cache .pytest_cache
