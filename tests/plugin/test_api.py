"""pytest-factoryboy's helpers with the same names and behaviour: naming, errors, LazyFixture."""

from __future__ import annotations

import dataclasses
import warnings

import pytest

from async_factory_boy import AsyncFactory
from async_factory_boy.errors import RegistrationError
from async_factory_boy.pytest import LazyFixture, get_model_name, named_model, register


@dataclasses.dataclass
class HTTPHeader:
    name: str = "accept"


class HTTPHeaderFactory(AsyncFactory[HTTPHeader]):
    class Meta:
        model = HTTPHeader


@pytest.mark.parametrize("container", [dict, list, set, tuple, frozenset])
def test_get_model_name_warns_for_builtin_containers(container: type) -> None:
    class ContainerFactory(AsyncFactory[object]):
        class Meta:
            model = container

    with pytest.warns(UserWarning, match=r"Using a .* as model type for .*ContainerFactory"):
        assert get_model_name(ContainerFactory) == container.__name__


def test_get_model_name_of_a_model_class_is_silent() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert get_model_name(HTTPHeaderFactory) == "http_header"


def test_named_model_is_a_subclass_with_that_name() -> None:
    model = named_model(dict, "JSONPayload")

    assert model.__name__ == "JSONPayload"
    assert issubclass(model, dict)


def test_register_refuses_an_abstract_factory_as_pytest_factoryboy_does() -> None:
    class NoModelFactory(AsyncFactory[object]):
        pass

    with pytest.raises(AssertionError, match="Can't register abstract factories"):
        register(NoModelFactory)


def test_register_refuses_a_model_fixture_named_like_the_factory_fixture() -> None:
    with pytest.raises(RegistrationError, match=r"Naming collision.*'http_header_factory'"):
        register(HTTPHeaderFactory, "http_header_factory")


def test_lazy_fixture_is_generic_and_names_its_fixtures() -> None:
    by_name = LazyFixture[str]("name")
    by_callable = LazyFixture(lambda company, *, user: f"{company} {user}")

    assert by_name.args == ["name"]
    assert by_callable.argnames == ("company", "user")
