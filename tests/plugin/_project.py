"""The small project the plugin tests run pytest on, in a subprocess (``pytester``).

Its factories persist into a ``Store``: a stand-in for a session, as a backend sees it
(``_connection_arguments``), that also remembers the event loop it was opened on, so a
test can show that a model fixture ran on the same loop as its session fixture.
"""

from __future__ import annotations

import pytest

#: ``models.py`` of the project: two models and their factories.
MODELS = '''
import asyncio
import dataclasses

import factory

from async_factory_boy import AsyncFactory, current_call


class Store:
    """Where created objects go; created inside a running event loop."""

    def __init__(self):
        self.loop = asyncio.get_running_loop()
        self.saved = []


@dataclasses.dataclass
class Company:
    name: str


@dataclasses.dataclass
class User:
    name: str
    company: Company
    is_admin: bool = False
    tags: list = dataclasses.field(default_factory=list)


class StoreFactory(AsyncFactory):
    class Meta:
        abstract = True

    _connection_arguments = ("store",)

    @classmethod
    async def _create_async(cls, model_class, *args, **kwargs):
        store = current_call().get("store")
        if asyncio.get_running_loop() is not store.loop:
            raise RuntimeError("created on another event loop than the store's")
        instance = model_class(*args, **kwargs)
        store.saved.append(instance)
        return instance


class CompanyFactory(StoreFactory):
    class Meta:
        model = Company

    name = factory.Sequence(lambda n: f"company {n}")


class UserFactory(StoreFactory):
    class Meta:
        model = User

    class Params:
        admin = factory.Trait(is_admin=True)

    name = factory.Sequence(lambda n: f"user {n}")
    company = factory.SubFactory(CompanyFactory)

    @factory.post_generation
    def tags(obj, create, extracted, **kwargs):
        obj.tags = list(extracted or [])
'''

#: ``conftest.py`` of the project: the session fixture, here called ``store``.
CONFTEST = """
import pytest_asyncio

from models import Store


@pytest_asyncio.fixture
async def store():
    return Store()
"""


def make_project(pytester: pytest.Pytester, conftest: str = CONFTEST) -> None:
    """Write the models and a conftest into ``pytester``'s directory."""
    pytester.makepyfile(models=MODELS)
    pytester.makeconftest(conftest)
    pytester.makeini(
        "[pytest]\nasyncio_mode = strict\nasyncio_default_fixture_loop_scope = function\n"
    )


def run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    """Run pytest on the project in a subprocess, as a user would."""
    if not any(path.name in ("tox.ini", "pytest.ini") for path in pytester.path.iterdir()):
        pytester.makeini("[pytest]\nasyncio_default_fixture_loop_scope = function\n")
    # Plugins the project does not use only slow down every start-up.
    return pytester.runpytest_subprocess(
        "-p", "no:cacheprovider", "-p", "no:django", "-p", "no:faker", *args
    )
