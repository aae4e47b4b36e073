"""A factory fixture is typed under ``mypy --strict``, annotated either way."""

from __future__ import annotations

import pathlib
import textwrap

from mypy import api

SNIPPET = textwrap.dedent(
    """
    from async_factory_boy import AsyncFactory
    from async_factory_boy.pytest import FactoryFixture

    class User:
        name: str

    class UserFactory(AsyncFactory[User]):
        class Meta:
            model = User

    async def test_as_class(user_factory: type[UserFactory]) -> None:
        reveal_type(await user_factory.create_async())

    async def test_as_fixture(user_factory: FactoryFixture[User]) -> None:
        reveal_type(await user_factory(name="x"))
        reveal_type(await user_factory.create_batch_async(2))
    """
)


def test_factory_fixture_calls_are_typed_by_the_model(tmp_path: pathlib.Path) -> None:
    module = tmp_path / "typed_fixture.py"
    module.write_text(SNIPPET)
    stdout, stderr, _status = api.run(
        ["--strict", "--no-incremental", "--cache-dir", str(tmp_path / "cache"), str(module)]
    )
    revealed = [
        line.split("Revealed type is ")[1] for line in stdout.splitlines() if "Revealed" in line
    ]
    assert revealed == [
        '"typed_fixture.User"',
        '"typed_fixture.User"',
        '"list[typed_fixture.User]"',
    ], stdout + stderr
    assert "error" not in stdout, stdout
