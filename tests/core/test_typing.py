"""``AsyncFactory[User]`` makes the awaitable steps return ``User`` under ``mypy --strict``."""

from __future__ import annotations

import pathlib
import textwrap

from mypy import api

SNIPPET = textwrap.dedent(
    """
    from async_factory_boy import AsyncFactory

    class User:
        name: str

    class UserFactory(AsyncFactory[User]):
        class Meta:
            model = User

    async def main() -> None:
        user = await UserFactory.create_async(name="ada")
        reveal_type(user)
        users = await UserFactory.create_batch_async(2)
        reveal_type(users)
        built = await UserFactory.build_async()
        reveal_type(built)
        many = await UserFactory.build_batch_async(2)
        reveal_type(many)
        name: str = user.name
    """
)


def test_create_async_is_typed_by_the_generic_parameter(tmp_path: pathlib.Path) -> None:
    module = tmp_path / "typed_usage.py"
    module.write_text(SNIPPET)
    stdout, stderr, _status = api.run(
        ["--strict", "--no-incremental", "--cache-dir", str(tmp_path / "cache"), str(module)]
    )
    revealed = [
        line.split("Revealed type is ")[1].replace("builtins.", "")
        for line in stdout.splitlines()
        if "Revealed" in line
    ]
    assert revealed == [
        '"typed_usage.User"',
        '"list[typed_usage.User]"',
        '"typed_usage.User"',
        '"list[typed_usage.User]"',
    ], stdout + stderr
    assert "error" not in stdout, stdout
