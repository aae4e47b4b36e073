"""A 58-test async pytest-django suite, rolled back (``async_db``) against ``transaction=True``.

Work: the suite of the issue's lending app, generated into a temporary directory: a project
with ``django.contrib.auth`` and ``contenttypes`` (as most projects have), publishers, books,
members and loans with string ``Meta.model`` factories registered in the conftest, and 58
async tests (pytest-asyncio) that take model fixtures, create batches, query, and call an
async view through ``async_client``. The same tests run in two ways, each in its own pytest
process, interleaved, medians:

- ``transaction=True``: what async suites had to do before ``async_db``: every test marked
  ``django_db(transaction=True)``; the async ORM commits on its worker thread's connection
  and pytest-django truncates every table after each test (and re-creates the content types
  and permissions ``post_migrate`` makes);
- ``async_db``: the plugin's rolled-back fixture (the default ``django_database``): every
  thread joins the test's transaction, which is rolled back.

Timed: the test loop of the pytest process (first test's setup to last test's teardown, from
a hook in the generated conftest), so the test database's creation, the same for both, is
left out; the whole process's wall time is in the table too. PostgreSQL only (the issue's
figures: 7.8 s with ``transaction=True`` against 2.4 s on SQLite).

Run: ``python -m benchmarks django_suite`` (``--quick`` for one repetition).
"""

from __future__ import annotations

import argparse
import json
import os
import pathlib
import statistics
import subprocess
import sys
import tempfile
import time

from ._harness import (
    Contender,
    Result,
    add_common_arguments,
    machine_description,
    markdown_table,
    publish,
    ratio,
    today,
)

TESTS = 58
ROOT = pathlib.Path(__file__).resolve().parents[1]

SETTINGS = """
import os, secrets
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "postgres",
        "USER": os.environ.get("POSTGRES_USER", "postgres"),
        "HOST": os.environ.get("POSTGRES_HOST", "127.0.0.1"),
        "PORT": os.environ.get("POSTGRES_PORT", "5432"),
        "TEST": {"NAME": f"test_afb_suite_{os.getpid()}_{secrets.token_hex(3)}"},
    }
}
SECRET_KEY = "bench-only"
INSTALLED_APPS = ["django.contrib.auth", "django.contrib.contenttypes", "lending"]
ROOT_URLCONF = "lending.urls"
MIDDLEWARE = []
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
"""

MODELS = """
from django.db import models


class Publisher(models.Model):
    name = models.CharField(max_length=100, unique=True)


class Book(models.Model):
    title = models.CharField(max_length=100)
    publisher = models.ForeignKey(Publisher, on_delete=models.CASCADE)


class Member(models.Model):
    name = models.CharField(max_length=100)


class Loan(models.Model):
    book = models.ForeignKey(Book, on_delete=models.CASCADE)
    member = models.ForeignKey(Member, on_delete=models.CASCADE)
    returned = models.BooleanField(default=False)
"""

URLS = """
from django.http import JsonResponse
from django.urls import path

from lending.models import Loan


async def open_loans(request):
    loans = Loan.objects.select_related("book").filter(returned=False).order_by("pk")
    titles = [loan.book.title async for loan in loans]
    return JsonResponse({"titles": titles})


urlpatterns = [path("loans/", open_loans)]
"""

FACTORIES = """
import factory

from async_factory_boy.factory.django import AsyncDjangoModelFactory


class PublisherFactory(AsyncDjangoModelFactory):
    class Meta:
        model = "lending.Publisher"

    name = factory.Sequence(lambda n: f"Publisher {n}")


class BookFactory(AsyncDjangoModelFactory):
    class Meta:
        model = "lending.Book"

    title = factory.Sequence(lambda n: f"Book {n}")
    publisher = factory.SubFactory(PublisherFactory)


class MemberFactory(AsyncDjangoModelFactory):
    class Meta:
        model = "lending.Member"

    name = factory.Sequence(lambda n: f"Member {n}")


class LoanFactory(AsyncDjangoModelFactory):
    class Meta:
        model = "lending.Loan"

    book = factory.SubFactory(BookFactory)
    member = factory.SubFactory(MemberFactory)
"""

CONFTEST = """
import json, os, time

import pytest

from async_factory_boy.pytest import register
from factories import BookFactory, LoanFactory, MemberFactory, PublisherFactory

register(PublisherFactory)
register(BookFactory)
register(MemberFactory)
register(LoanFactory)

MODE = os.environ["SUITE_MODE"]
if MODE == "transaction":

    @pytest.fixture
    def django_database(transactional_db):
        return "default"

    def pytest_collection_modifyitems(items):
        for item in items:
            item.add_marker(pytest.mark.django_db(transaction=True))


_times = {}


@pytest.hookimpl(wrapper=True)
def pytest_runtestloop(session):
    started = time.perf_counter()
    try:
        return (yield)
    finally:
        _times["loop"] = time.perf_counter() - started
        with open(os.environ["SUITE_TIMES"], "w") as out:
            json.dump(_times, out)
"""

TEMPLATES = [
    """
@pytest.mark.asyncio
async def test_loan_{i}(loan):
    assert await Loan.objects.filter(pk=loan.pk, returned=False).aexists()
""",
    """
@pytest.mark.asyncio
async def test_books_of_publisher_{i}(publisher):
    await BookFactory.create_batch_async(5, publisher=publisher)
    assert await Book.objects.filter(publisher=publisher).acount() == 5
""",
    """
@pytest.mark.asyncio
async def test_return_{i}(loan):
    loan.returned = True
    await loan.asave()
    assert not await Loan.objects.filter(returned=False).aexists()
""",
    """
@pytest.mark.asyncio
async def test_view_{i}(async_client, loan):
    response = await async_client.get("/loans/")
    assert response.json() == {{"titles": [loan.book.title]}}
""",
    """
@pytest.mark.asyncio
async def test_member_loans_{i}(member):
    await LoanFactory.create_batch_async(3, member=member)
    assert await Loan.objects.filter(member=member).acount() == 3
""",
    """
@pytest.mark.asyncio
async def test_book_{i}(book):
    assert (await Book.objects.select_related("publisher").aget(pk=book.pk)).publisher.name
""",
]


def write_suite(directory: pathlib.Path) -> None:
    """The project and its 58 tests, in ``directory``."""
    files = {
        "settings.py": SETTINGS,
        "lending/__init__.py": "",
        "lending/models.py": MODELS,
        "lending/urls.py": URLS,
        "factories.py": FACTORIES,
        "conftest.py": CONFTEST,
    }
    body = [
        "import pytest\n",
        "from factories import BookFactory, LoanFactory\n",
        "from lending.models import Book, Loan\n",
    ]
    body += [TEMPLATES[i % len(TEMPLATES)].format(i=i) for i in range(TESTS)]
    files["test_lending.py"] = "".join(body)
    for name, text in files.items():
        path = directory / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def run_suite(directory: pathlib.Path, mode: str) -> tuple[float, float]:
    """One pytest process over the suite: (test loop seconds, whole process seconds)."""
    times = directory / f"times-{mode}.json"
    env = {
        **os.environ,
        "SUITE_MODE": mode,
        "SUITE_TIMES": str(times),
        "PYTHONPATH": os.pathsep.join([str(directory), str(ROOT)]),
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:randomly"]
    command += ["--ds=settings", "-o", "asyncio_mode=strict"]
    command += ["-o", "asyncio_default_fixture_loop_scope=function"]
    started = time.perf_counter()
    finished = subprocess.run(
        command, cwd=directory, env=env, capture_output=True, text=True, check=False
    )
    wall = time.perf_counter() - started
    if finished.returncode != 0 or f"{TESTS} passed" not in finished.stdout:
        raise RuntimeError(f"the {mode} suite did not pass:\n{finished.stdout}\n{finished.stderr}")
    loop: float = json.loads(times.read_text())["loop"]
    return loop, wall


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="django_suite_bench", description=__doc__)
    add_common_arguments(parser)
    args = parser.parse_args(argv)
    repetitions = args.repetitions or (1 if args.quick else 5)
    modes = {"transaction=True": "transaction", "async_db": "async_db"}
    loops: dict[str, list[float]] = {name: [] for name in modes}
    walls: dict[str, list[float]] = {name: [] for name in modes}
    with tempfile.TemporaryDirectory(prefix="afb_django_suite_") as tmp:
        directory = pathlib.Path(tmp)
        write_suite(directory)
        names = list(modes)
        for repetition in range(repetitions):
            for offset in range(len(names)):  # interleaved, rotated
                name = names[(repetition + offset) % len(names)]
                loop, wall = run_suite(directory, modes[name])
                loops[name].append(loop)
                walls[name].append(wall)
                print(f"  [{repetition + 1}/{repetitions}] {name}: tests {loop:.2f} s, "
                      f"process {wall:.2f} s")  # fmt: skip
    results = [
        Result(Contender(name, run=lambda: None, group="58 async tests"), TESTS, loops[name])
        for name in modes
    ]
    baseline = statistics.median(loops["transaction=True"])
    rows = [
        [
            name,
            f"{statistics.median(loops[name]):.2f} s",
            f"{min(loops[name]):.2f}-{max(loops[name]):.2f} s",
            f"{statistics.median(walls[name]):.2f} s",
            f"{TESTS / statistics.median(loops[name]):,.1f}",
            f"{ratio(baseline, statistics.median(loops[name])):.2f}x",
        ]
        for name in modes
    ]
    table = markdown_table(
        [
            "mode",
            "tests (median)",
            "tests (range)",
            "pytest process (median)",
            "tests/s",
            "speed-up",
        ],
        rows,
    )
    report = "\n".join(
        [
            "# Django: a rolled-back async suite",
            "",
            "The issue's lending-app suite: 58 async tests (pytest-asyncio) on model fixtures, "
            "batches, queries and an async view, on PostgreSQL, each way in its own pytest "
            f"process, {repetitions} interleaved repetitions, medians. `transaction=True` "
            "truncates every table after each test; `async_db` (the plugin's default "
            '`django_database`) rolls the test\'s transaction back. "tests" is the test '
            "loop; the process adds start-up and the test database's creation, the same "
            "for both. Source: `benchmarks/django_suite_bench.py`.",
            "",
            table,
            "",
            f"Machine: {machine_description()}. Date: {today()}.",
        ]
    )
    publish(report, args.output, results=results, unit="tests/s")


if __name__ == "__main__":
    main()
