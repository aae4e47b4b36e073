"""``register(AutoFactory)``: a factory whose fields ``Meta.auto_fields`` derives gets model and
attribute fixtures like any other, derived fields included, in strict and auto mode."""

from __future__ import annotations

import pytest

from tests.plugin._project import run

CONFTEST = """
import dataclasses

from async_factory_boy import AsyncFactory
from async_factory_boy.pytest import register


@dataclasses.dataclass
class Ticket:
    title: str
    seats: int
    note: str | None = None


@register
class TicketFactory(AsyncFactory[Ticket]):
    class Meta:
        model = Ticket
        auto_fields = True
"""

TESTS = """
import pytest


def test_the_model_fixture_has_every_required_field(ticket):
    assert isinstance(ticket.title, str) and ticket.title
    assert isinstance(ticket.seats, int)
    assert ticket.note is None


def test_a_derived_field_has_an_attribute_fixture_holding_its_declaration(ticket__seats):
    assert type(ticket__seats).__name__ == "Faker"


class TestOverridingTheAttributeFixture:
    @pytest.fixture
    def ticket__title(self):
        return "concert"

    def test_the_model_uses_the_override(self, ticket):
        assert ticket.title == "concert"


@pytest.mark.parametrize("ticket__seats", [42])
def test_a_derived_field_can_be_parametrized(ticket):
    assert ticket.seats == 42
"""


@pytest.mark.parametrize("mode", ["strict", "auto"])
def test_register_gives_fixtures_for_an_auto_factory(pytester: pytest.Pytester, mode: str) -> None:
    pytester.makeconftest(CONFTEST)
    pytester.makepyfile(test_auto=TESTS)
    pytester.makeini(
        f"[pytest]\nasyncio_mode = {mode}\nasyncio_default_fixture_loop_scope = function\n"
    )
    result = run(pytester)
    result.assert_outcomes(passed=TESTS.count("def test_"))
