"""The Python blocks of README.md and docs/*.md compile, and the self-contained ones run.

Each page's blocks run in order in one namespace (a later block may use an earlier block's
factories), inside one event loop, so top-level ``await`` works as it reads in the docs. The
namespace starts with what the pages take for granted: SQLAlchemy models ``Company``, ``User``
and ``Post`` with their tables in an in-memory SQLite database, an ``AsyncSession`` called
``session``, and ``factory``. ``async def test_*`` functions a block defines are awaited too,
when the namespace holds their arguments.

A block that cannot run here (it needs a server, Django settings, an application module, or a
model the page only describes) is opted out with a comment on the line above its fence::

    <!-- docs-test: skip (needs a Mongo server) -->

A page none of whose blocks can run says so once, anywhere in the page::

    <!-- docs-test: skip-page (needs a Django project) -->

The reason is required; skipped blocks are still compiled, as are blocks inside tables (the
side-by-side before / after comparisons of migration.md), which are never run.
"""

from __future__ import annotations

import ast
import asyncio
import dataclasses
import inspect
import pathlib
import re
import secrets
import textwrap
from typing import Any

import pytest

from tests._docs_namespace import docs_namespace

ROOT = pathlib.Path(__file__).resolve().parents[1]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]

# A fence at the start of a line, or inside a MyST list-table cell (``* - ```python``).
_FENCE = re.compile(
    r"^(?P<cell>(?:\* - |  - )?)```(?:python|py)[ \t]*\n(?P<body>.*?)^[ ]*```[ \t]*$", re.S | re.M
)
_SKIP = re.compile(r"<!--\s*docs-test:\s*skip\s*\((?P<reason>.+)\)\s*-->\s*$")
_SKIP_PAGE = re.compile(r"<!--\s*docs-test:\s*skip-page\s*\((?P<reason>.+?)\)\s*-->")


@dataclasses.dataclass(frozen=True)
class Block:
    page: pathlib.Path
    line: int
    code: str
    skip_reason: str | None

    @property
    def name(self) -> str:
        return f"{self.page.relative_to(ROOT)}:{self.line}"


def _blocks(page: pathlib.Path) -> list[Block]:
    text = page.read_text()
    page_marker = _SKIP_PAGE.search(text)
    found = []
    for match in _FENCE.finditer(text):
        line = text.count("\n", 0, match.start()) + 1
        before = text[: match.start()].rstrip("\n").rsplit("\n", 1)[-1]
        marker = _SKIP.search(before) or page_marker
        reason = marker and marker["reason"].strip()
        if match["cell"]:
            reason = "a table cell: side-by-side comparison, compiled only"
        found.append(Block(page, line, textwrap.dedent(match["body"]), reason))
    return found


ALL_BLOCKS = [block for page in PAGES for block in _blocks(page)]


def _compile(block: Block) -> Any:
    return compile(
        block.code, block.name, "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT, dont_inherit=True
    )


def test_the_docs_have_python_blocks() -> None:
    assert len(ALL_BLOCKS) > 30


@pytest.mark.parametrize("block", ALL_BLOCKS, ids=lambda block: block.name)
def test_block_compiles(block: Block) -> None:
    _compile(block)


async def _run_page(blocks: list[Block], mongo_uri: str | None) -> None:
    namespace = await docs_namespace()
    sql_session, engine = namespace["session"], namespace["engine"]  # blocks may rebind them
    if mongo_uri is not None:
        from pymongo import AsyncMongoClient

        client: Any = AsyncMongoClient(mongo_uri)
        database = f"docs_{secrets.token_hex(4)}"
        namespace.update(client=client, db=client[database])
    try:
        for block in blocks:
            before = set(namespace)
            try:
                result = eval(_compile(block), namespace)
                if inspect.iscoroutine(result):
                    await result
                for name in sorted(set(namespace) - before):
                    function = namespace[name]
                    if name.startswith("test_") and inspect.iscoroutinefunction(function):
                        wanted = inspect.signature(function).parameters
                        if all(argument in namespace for argument in wanted):
                            await function(*(namespace[argument] for argument in wanted))
            except Exception as exc:
                raise AssertionError(
                    f"{block.name}: {type(exc).__name__}: {exc}\n(opt out with "
                    "`<!-- docs-test: skip (reason) -->` above the block if it cannot run here)"
                ) from exc
    finally:
        await sql_session.close()
        await engine.dispose()
        if mongo_uri is not None:
            await client.drop_database(database)
            await client.close()


@pytest.mark.parametrize(
    "page",
    sorted({block.page for block in ALL_BLOCKS}),
    ids=lambda page: str(page.relative_to(ROOT)),
)
def test_page_blocks_run(page: pathlib.Path, request: pytest.FixtureRequest) -> None:
    blocks = [block for block in ALL_BLOCKS if block.page == page and block.skip_reason is None]
    if not blocks:
        marker = _SKIP_PAGE.search(page.read_text())
        pytest.skip(marker["reason"] if marker else "every block opted out")
    # The Mongo page talks to ``client`` / ``db``: this run's Mongo server (SecantusDB).
    mongo_uri = request.getfixturevalue("mongo_uri") if page.name == "mongo.md" else None
    asyncio.run(_run_page(blocks, mongo_uri))
