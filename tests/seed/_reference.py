"""What a test suite stores, batch by batch as the seed command cuts a run: the reference the
seed's rows are compared with.

Each batch is ``create_batch_async`` after the seed's own per-batch set-up (random sources
reseeded from (seed, factory, batch), sequence counters at the batch's window), in a fresh
process, through an ``AsyncSession``: the ORM's flush, not the seed's bulk writer.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

from tests.seed.conftest import ROOT, seed_env

_SCRIPT = """
import asyncio, functools, importlib
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine
from async_factory_boy._seed._batches import Job, plan_batches
from async_factory_boy._seed._determinism import DEFAULT_STRIDE, SequenceLayout, batch_seed, reseed

def load(path):
    module, _, name = path.partition(":")
    return functools.reduce(getattr, name.split("."), importlib.import_module(module))

async def main():
    engine = create_async_engine({url!r})
    async with engine.begin() as conn:
        await conn.run_sync(load({metadata!r}).create_all)
    jobs = [Job(path, load(path), {count}) for path in {paths!r}]
    layout = SequenceLayout(jobs, {batch_size}, DEFAULT_STRIDE)
    async with AsyncSession(engine) as session:
        for batch in plan_batches(jobs, {batch_size}, None):
            job = jobs[batch.job]
            reseed(batch_seed({seed}, job.path, batch.number))
            layout.start(batch)
            await job.factory.create_batch_async(batch.size, sqlalchemy_session=session)
        await session.commit()
    await engine.dispose()

asyncio.run(main())
"""


def create_like_seed(
    url: str, metadata: str, paths: tuple[str, ...], count: int, batch_size: int, seed: int
) -> None:
    """Store ``count`` objects of each factory at ``paths`` (``module:Class``) into ``url``
    (tables from ``metadata``, ``module:Base.metadata``), batch by batch."""
    script = textwrap.dedent(
        _SCRIPT.format(
            url=url,
            metadata=metadata,
            paths=paths,
            count=count,
            batch_size=batch_size,
            seed=seed,
        )
    )
    made = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=seed_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert made.returncode == 0, made.stderr
