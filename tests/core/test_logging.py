"""The ``async_factory_boy`` logger: one DEBUG line per call and per end-of-call write, and
``factory.debug()`` showing factory_boy's resolution lines along the fast path too."""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass

import factory
import pytest

from async_factory_boy import AsyncFactory, _plan
from async_factory_boy.persistence import MemoryPersistence

LOGGER = "async_factory_boy"


@dataclass
class Team:
    name: str
    id: int | None = None


@dataclass
class Player:
    name: str
    email: str
    team: Team
    id: int | None = None


class TeamFactory(AsyncFactory[Team]):
    class Meta:
        model = Team

    name = factory.Sequence(lambda n: f"team {n}")


class PlayerFactory(AsyncFactory[Player]):
    class Meta:
        model = Player

    name = factory.Sequence(lambda n: f"player {n}")
    email = factory.LazyAttribute(lambda o: f"{o.name.replace(' ', '.')}@example.com")
    team = factory.SubFactory(TeamFactory)


def _lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name.startswith(LOGGER)]


@pytest.mark.asyncio
async def test_a_call_logs_its_factory_strategy_connection_rows_and_time(
    caplog: pytest.LogCaptureFixture,
) -> None:
    store = MemoryPersistence()
    caplog.set_level(logging.DEBUG, logger=LOGGER)
    await PlayerFactory.create_async(persistence=store)
    (line,) = [line for line in _lines(caplog) if line.startswith("create_async ")]
    assert line.startswith("create_async PlayerFactory: strategy=create, size=None, ")
    assert "connection: persistence=MemoryPersistence" in line
    assert "rows written: 2" in line  # the player and its team
    assert line.endswith(" ms")
    assert all(r.levelno == logging.DEBUG for r in caplog.records if r.name == LOGGER)


@pytest.mark.asyncio
async def test_a_batch_logs_its_size_and_its_end_of_call_write(
    caplog: pytest.LogCaptureFixture,
) -> None:
    store = MemoryPersistence()
    caplog.set_level(logging.DEBUG, logger=LOGGER)
    await PlayerFactory.create_batch_async(3, persistence=store)
    lines = _lines(caplog)
    call = [line for line in lines if line.startswith("create_batch_async ")]
    assert len(call) == 1
    assert "PlayerFactory: strategy=create, size=3, " in call[0]
    assert "rows written: 6" in call[0]
    assert any(
        line.startswith("PlayerFactory: HandlerScope finished (end-of-call writes) in ")
        for line in lines
    )
    assert store.count(Player) == 3


@pytest.mark.asyncio
async def test_a_build_call_writes_no_rows_and_connection_values_are_never_logged(
    caplog: pytest.LogCaptureFixture,
) -> None:
    class Secret:
        def __repr__(self) -> str:
            return "postgresql://user:hunter2@db"

    caplog.set_level(logging.DEBUG, logger=LOGGER)
    await PlayerFactory.build_batch_async(2)
    (line,) = [line for line in _lines(caplog) if line.startswith("build_batch_async ")]
    assert "strategy=build, size=2, connection: none, rows written: 0" in line
    store = MemoryPersistence()
    store.secret = Secret()  # type: ignore[attr-defined]  # a repr that must not leak
    await PlayerFactory.create_async(persistence=store)
    assert not any("hunter2" in line for line in _lines(caplog))


@pytest.mark.asyncio
async def test_a_failed_call_logs_the_failure(caplog: pytest.LogCaptureFixture) -> None:
    class Broken(AsyncFactory[Team]):
        class Meta:
            model = Team

        name = factory.LazyFunction(lambda: 1 / 0)

    caplog.set_level(logging.DEBUG, logger=LOGGER)
    with pytest.raises(ZeroDivisionError):
        await Broken.create_async(persistence=MemoryPersistence())
    (line,) = [line for line in _lines(caplog) if line.startswith("create_async ")]
    assert "Broken failed after " in line
    assert "with ZeroDivisionError" in line


@pytest.mark.asyncio
async def test_nothing_is_logged_unless_the_logger_is_enabled(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger=LOGGER)
    await PlayerFactory.create_batch_async(2, persistence=MemoryPersistence())
    assert _lines(caplog) == []


async def _debug_output(fast_path: bool, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    monkeypatch.setattr(_plan, "ENABLED", fast_path)
    TeamFactory.reset_sequence()
    PlayerFactory.reset_sequence()
    stream = io.StringIO()
    with factory.debug(stream=stream):
        await PlayerFactory.create_async()
        PlayerFactory.build(name="given")
    return stream.getvalue().splitlines()


@pytest.mark.asyncio
async def test_factory_debug_shows_the_same_resolution_on_the_fast_path(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fast = await _debug_output(True, monkeypatch)
    slow = await _debug_output(False, monkeypatch)
    assert fast == slow
    kinds = [line.split(":", 1)[0] for line in fast]
    create = ["Sequence", "LazyAttribute", "SubFactory", "Sequence"]
    build = ["LazyAttribute", "SubFactory", "Sequence"]  # name is given
    assert kinds == [*create, *build]
    # Outside factory.debug() the fast path inlines again: nothing reaches the logger.
    monkeypatch.setattr(_plan, "ENABLED", True)
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    logging.getLogger("factory").addHandler(handler)
    try:
        await PlayerFactory.create_async()
    finally:
        logging.getLogger("factory").removeHandler(handler)
    assert stream.getvalue() == ""
