"""The pytest plugin on a pytest-django project: string models, ``async_db``, the refusal.

Two pytest runs of a small project (``_library_project``), one serial and one under
``-n 2``, on the run's database (``AFB_DJANGO_DB``: SQLite or PostgreSQL): its tests check
string ``Meta.model`` fixture names and links, parametrize and ``auto_fields``; that async
tests (pytest-asyncio and anyio), an async view and a failing batch leave no row behind
under ``async_db``; and that a model fixture on the plain ``db`` is refused.
"""

from __future__ import annotations

import os

import pytest

from async_factory_boy.pytest._naming import model_fixture_name
from tests.django._library_project import FILES

pytest_plugins = ["pytester"]

PASSED = 9
REFUSAL = "committed outside the test's transaction"


@pytest.fixture
def project(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    for path, text in FILES.items():
        target = pytester.path / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
    monkeypatch.delenv("DJANGO_SETTINGS_MODULE")
    monkeypatch.setenv("PYTHONPATH", str(pytester.path) + os.pathsep + os.getcwd())
    return pytester


def _run(project: pytest.Pytester, *args: str) -> pytest.RunResult:
    return project.runpytest_subprocess(
        "--ds=settings", "-p", "no:cacheprovider", "-p", "no:randomly", "-o",
        "asyncio_mode=strict", *args,
    )  # fmt: skip


@pytest.mark.parametrize("workers", [(), ("-n", "2")], ids=["serial", "xdist"])
def test_library_project(project: pytest.Pytester, workers: tuple[str, ...]) -> None:
    # Serially and under xdist on the database of this run (AFB_DJANGO_DB): under ``-n 2``
    # each worker has a test database of its own (an in-memory one on SQLite), and
    # ``async_db`` rolls back per worker. The rest of tests/django runs on async_db too.
    result = _run(project, *workers)

    result.assert_outcomes(passed=PASSED, errors=1)
    result.stdout.fnmatch_lines([f"*test_refused_on_plain_db*{REFUSAL}*"])


def test_unresolved_string_model_is_named_from_its_last_part() -> None:
    from async_factory_boy.factory.django import AsyncDjangoModelFactory

    class EditionFactory(AsyncDjangoModelFactory[object]):
        class Meta:
            model = "nowhere.BookEdition"

    assert model_fixture_name(EditionFactory) == "book_edition"


def test_resolved_string_model_is_named_from_the_class() -> None:
    from async_factory_boy.factory.django import AsyncDjangoModelFactory

    class LowerFactory(AsyncDjangoModelFactory[object]):
        class Meta:
            model = "testapp.company"

    assert model_fixture_name(LowerFactory) == "company"
