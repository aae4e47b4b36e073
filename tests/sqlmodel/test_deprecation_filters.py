"""The project's pytest ``filterwarnings`` turn SQLModel's deprecations into errors (issue 22).

So a library call to an API SQLModel deprecates (``session.execute()``, ``obj.dict()``, ...)
fails the suite instead of warning. ``pytest.warns`` would record the warning whatever the
filters say, so each case applies the configured filters itself and expects the error.
"""

from __future__ import annotations

import asyncio
import warnings
from collections.abc import Callable

import pytest
import sqlalchemy as sa
from _pytest.config import parse_warning_filter
from sqlalchemy.ext.asyncio import create_async_engine
from sqlmodel import Field, SQLModel
from sqlmodel.ext.asyncio.session import AsyncSession


class DeprecatedHero(SQLModel):  # no table: nothing is stored
    name: str = ""


def _execute_on_a_sqlmodel_session() -> None:
    """SQLModel's ``AsyncSession.execute`` warns at run time (its sync ``Session`` only for
    type checkers)."""

    async def execute() -> None:
        engine = create_async_engine("sqlite+aiosqlite://")
        try:
            async with AsyncSession(engine) as session:
                await session.execute(sa.select(sa.literal(1)))  # SQLModel: use exec()
        finally:
            await engine.dispose()

    asyncio.run(execute())


def _warned_inside_sqlmodel() -> None:
    warnings.warn_explicit(
        "a deprecation of sqlmodel's own", DeprecationWarning, "main.py", 1, module="sqlmodel.main"
    )


CASES: dict[str, Callable[[], object]] = {
    "AsyncSession.execute()": _execute_on_a_sqlmodel_session,
    "obj.dict()": lambda: DeprecatedHero(name="x").dict(),
    "Model.from_orm()": lambda: DeprecatedHero.from_orm(DeprecatedHero(name="x")),
    "Field(min_items=)": lambda: Field(default=(), min_items=1),
    "warned by the sqlmodel package": _warned_inside_sqlmodel,
}


@pytest.mark.parametrize("case", list(CASES))
def test_sqlmodel_deprecations_are_errors_under_the_project_filters(
    pytestconfig: pytest.Config, case: str
) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("default")
        for entry in pytestconfig.getini("filterwarnings"):
            warnings.filterwarnings(*parse_warning_filter(entry, escape=False))
        with pytest.raises(DeprecationWarning):
            CASES[case]()


def test_other_deprecations_are_left_alone(pytestconfig: pytest.Config) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("default")
        for entry in pytestconfig.getini("filterwarnings"):
            warnings.filterwarnings(*parse_warning_filter(entry, escape=False))
        warnings.warn_explicit(
            "someone else's", DeprecationWarning, "x.py", 1, module="sqlmodel_app.x"
        )
    assert [str(w.message) for w in caught] == ["someone else's"]
