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


@pytest.fixture
def default_thresholds() -> Iterator[tuple[int, int, int]]:
    """CPython's thresholds during the test, the process's own put back after it."""
    before = gc.get_threshold()
    gc.set_threshold(700, 10, 10)
    yield gc.get_threshold()
    gc.set_threshold(*before)


def test_young_collections_are_spaced_out_during_the_block(
    default_thresholds: tuple[int, int, int],
) -> None:
    with _collector.set_aside():
        assert gc.get_threshold() == (_collector.YOUNG_THRESHOLD, 10, 10)

    assert gc.get_threshold() == default_thresholds

    with pytest.raises(RuntimeError), _collector.set_aside():
        raise RuntimeError("batch failed")
    assert gc.get_threshold() == default_thresholds


def test_runs_on_two_threads_share_one_raise(default_thresholds: tuple[int, int, int]) -> None:
    import threading

    inside = threading.Barrier(2)
    first_left = threading.Event()
    seen: list[tuple[int, int, int]] = []

    def run(first: bool) -> None:
        with _collector.set_aside():
            inside.wait()
            if first:
                return  # leaves while the other run is still inside
            first_left.wait()
            seen.append(gc.get_threshold())

    def first() -> None:
        run(True)
        first_left.set()

    threads = [threading.Thread(target=first), threading.Thread(target=run, args=(False,))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert seen == [(_collector.YOUNG_THRESHOLD, 10, 10)]  # still raised for the second run
    assert gc.get_threshold() == default_thresholds  # put back once both left


def test_thresholds_the_application_chose_are_left_alone(
    default_thresholds: tuple[int, int, int],
) -> None:
    gc.set_threshold(100_000, 20, 20)
    with _collector.set_aside():
        assert gc.get_threshold() == (100_000, 20, 20)
    assert gc.get_threshold() == (100_000, 20, 20)

    gc.set_threshold(700, 10, 10)
    with _collector.set_aside():
        gc.set_threshold(1_000, 10, 10)  # changed during the run: not overwritten after it
    assert gc.get_threshold() == (1_000, 10, 10)


def test_the_spacing_switch_turns_it_off(
    monkeypatch: pytest.MonkeyPatch, default_thresholds: tuple[int, int, int]
) -> None:
    monkeypatch.setattr(_collector, "SPACED", False)

    with _collector.set_aside():
        assert gc.get_threshold() == default_thresholds
