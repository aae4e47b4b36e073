"""The seed sets the objects that exist before its batches aside from the garbage collector,
and puts them back at the end (``_seed._collector``)."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from async_factory_boy._seed import _collector


@pytest.fixture(autouse=True)
def _nothing_frozen() -> Iterator[None]:
    """Tests start with nothing frozen, and unfreeze what they froze (only theirs)."""
    if gc.get_freeze_count():
        pytest.skip("objects are frozen already in this process")
    yield
    gc.unfreeze()


def test_objects_are_set_aside_during_the_block_and_put_back_after() -> None:
    with _collector.set_aside():
        assert gc.get_freeze_count() > 0

    assert gc.get_freeze_count() == 0


def test_put_back_when_the_block_fails() -> None:
    with pytest.raises(RuntimeError), _collector.set_aside():
        raise RuntimeError("batch failed")

    assert gc.get_freeze_count() == 0


def test_objects_someone_else_froze_stay_frozen() -> None:
    gc.freeze()
    frozen = gc.get_freeze_count()

    with _collector.set_aside():
        assert gc.get_freeze_count() == frozen

    assert gc.get_freeze_count() == frozen


def test_the_switch_turns_it_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_collector, "ENABLED", False)

    with _collector.set_aside():
        assert gc.get_freeze_count() == 0
