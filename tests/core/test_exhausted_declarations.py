"""A declaration that raises StopIteration (an exhausted Iterator) in an async step."""

from __future__ import annotations

import factory
import pytest

from async_factory_boy import AsyncFactory, DeclarationExhaustedError
from async_factory_boy.errors import AsyncFactoryError

from .models import Company, User


class OneNameFactory(AsyncFactory[Company]):
    class Meta:
        model = Company

    name = factory.Iterator(["only"], cycle=False)


class UserOfOneNameFactory(AsyncFactory[User]):
    class Meta:
        model = User

    name = factory.Sequence(lambda n: f"user {n}")
    company = factory.SubFactory(OneNameFactory)


# Each behaviour runs along the fast resolution path and with factory_boy's resolver.
pytestmark = pytest.mark.usefixtures("resolution")


@pytest.fixture(autouse=True)
def fresh_iterator() -> None:
    OneNameFactory.name.reset()  # type: ignore[attr-defined]


@pytest.mark.asyncio
@pytest.mark.parametrize("step", ["build_async", "create_async"])
async def test_an_exhausted_iterator_names_the_factory_and_the_field(step: str) -> None:
    await getattr(OneNameFactory, step)()
    with pytest.raises(DeclarationExhaustedError, match=r"OneNameFactory\.name") as caught:
        await getattr(OneNameFactory, step)()
    assert isinstance(caught.value, AsyncFactoryError)
    assert isinstance(caught.value, RuntimeError)
    assert isinstance(caught.value.__cause__, StopIteration)
    assert (caught.value.factory_name, caught.value.field) == ("OneNameFactory", "name")


@pytest.mark.asyncio
async def test_a_batch_that_exhausts_an_iterator_raises_the_named_error() -> None:
    with pytest.raises(DeclarationExhaustedError, match=r"OneNameFactory\.name"):
        await OneNameFactory.build_batch_async(2)


@pytest.mark.asyncio
async def test_the_error_names_the_sub_factory_that_ran_out() -> None:
    await UserOfOneNameFactory.build_async()
    with pytest.raises(DeclarationExhaustedError, match=r"OneNameFactory\.name"):
        await UserOfOneNameFactory.build_async()


@pytest.mark.asyncio
async def test_a_post_generation_stop_iteration_is_named_too() -> None:
    class HookFactory(AsyncFactory[User]):
        class Meta:
            model = User

        name = "x"

        @factory.post_generation
        def tags(self, create: bool, extracted: object, **kwargs: object) -> None:
            raise StopIteration

    with pytest.raises(DeclarationExhaustedError, match=r"HookFactory\.tags") as caught:
        await HookFactory.build_async()
    assert isinstance(caught.value.__cause__, StopIteration)


def test_sync_build_keeps_factory_boys_stop_iteration() -> None:
    OneNameFactory.build()
    with pytest.raises(StopIteration):
        OneNameFactory.build()
