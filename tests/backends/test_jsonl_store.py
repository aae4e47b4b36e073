"""The backend written in one module (``jsonl_store``) where the package meets backends
without naming them: the seed command (with ``--shard`` and ``--resume``) and the pytest
plugin's default fixture. (The contract suite runs it as the kit ``jsonl``.)"""

from __future__ import annotations

import pathlib
from typing import Any

import factory
import pytest

from tests.backends.jsonl_store import ID, PROGRESS_TABLE, AsyncJsonlFactory, JsonlStore
from tests.plugin._project import run
from tests.seed.conftest import ROOT, run_seed


class AuthorFactory(AsyncJsonlFactory[dict[str, Any]]):
    class Meta:
        collection = "author"

    name = factory.Faker("name")


class NoteFactory(AsyncJsonlFactory[dict[str, Any]]):
    class Meta:
        collection = "note"
        exclude = ("author",)

    title = factory.Sequence(lambda n: f"note {n}")
    author = factory.SubFactory(AuthorFactory)
    author_id = factory.LazyAttribute(lambda o: o.author[ID])


def _content(directory: pathlib.Path) -> dict[str, list[Any]]:
    """The seeded documents without their random ids, in a stable order."""
    store = JsonlStore(directory)
    notes = sorted(store.documents("note"), key=lambda note: note["title"])
    authors = {author[ID]: author["name"] for author in store.documents("author")}
    return {
        "notes": [(note["title"], authors[note["author_id"]]) for note in notes],
        "records": sorted(
            (record["batch"], record["rows"]) for record in store.documents(PROGRESS_TABLE)
        ),
    }


def test_the_seed_command_seeds_it_and_a_resumed_run_writes_the_same(
    tmp_path: pathlib.Path,
) -> None:
    args = ("tests.backends.test_jsonl_store:NoteFactory", "-n", "5", "--batch-size", "2")
    args = (*args, "--seed", "7")
    whole = run_seed(*args, "--url", f"jsonl://{tmp_path}/whole")
    shard = run_seed(*args, "--url", f"jsonl://{tmp_path}/split", "--shard", "0/2")
    rest = run_seed(*args, "--url", f"jsonl://{tmp_path}/split", "--resume")

    for result in (whole, shard, rest):
        assert result.returncode == 0, result.stderr
    content = _content(tmp_path / "whole")
    assert len(content["notes"]) == 5
    assert content["records"] == [(0, 4), (1, 4), (2, 2)]
    assert _content(tmp_path / "split") == content


def test_the_plugin_hands_registered_factories_its_default_fixture(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    pytester.makeconftest(
        """
        import factory
        import pytest

        from async_factory_boy.pytest import register
        from tests.backends.jsonl_store import AsyncJsonlFactory, JsonlStore


        class ItemFactory(AsyncJsonlFactory):
            class Meta:
                collection = "item"

            name = factory.Sequence(lambda n: f"item {n}")


        register(ItemFactory, "item")  # a dict model needs a fixture name of its own


        @pytest.fixture
        def jsonl_store(tmp_path):
            return JsonlStore(tmp_path / "db")
        """
    )
    pytester.makepyfile(
        """
        import pytest


        @pytest.mark.asyncio
        async def test_item(item, jsonl_store):
            assert jsonl_store.documents("item") == [item]
        """
    )
    run(pytester).assert_outcomes(passed=1)
