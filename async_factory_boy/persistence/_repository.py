"""``RepositoryPersistence``: save through a repository object your application already has.

Repository toolkits put memory, Mongo and SQL storage behind one interface (``await
repo.add(entity)``). Wrapping such a repository makes it a persistence handler, so factories
save exactly the way the application does, whichever storage the configuration picked.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Generic, TypeVar

from .._handlers import call_method
from .._types import Function

__all__ = ["RepositoryPersistence"]

T = TypeVar("T")


def _method(repo: object, method: str | Function, role: str) -> Function:
    """Look up ``method`` on ``repo`` (or take the callable as is), explaining a bad name."""
    if callable(method):
        return method
    found: Function | None = getattr(repo, method, None)
    if not callable(found):
        raise TypeError(
            f"RepositoryPersistence: {type(repo).__name__} has no method {method!r} to "
            f"{role}; pass the name of its method, e.g. "
            f'RepositoryPersistence(repo, save="create").'
        )
    return found


class RepositoryPersistence(Generic[T]):
    """Adapts any object with a method that stores one entity (and maybe a bulk one).

    ``save`` and ``save_many`` name the repository's methods (or are callables). Without a
    bulk method, a batch is saved one entity at a time, in order (not concurrently: many
    repositories share one connection). A method that returns ``None`` is taken to have
    stored the entity in place. Methods may be ``async def`` or blocking; blocking ones run
    in a worker thread, so they must be thread-safe if calls are gathered.
    """

    def __init__(
        self,
        repo: object,
        save: str | Function = "add",
        save_many: str | Function | None = None,
    ) -> None:
        self.repo = repo
        self._save = _method(repo, save, "store one entity")
        self._save_many = None if save_many is None else _method(repo, save_many, "store many")

    async def save(self, obj: T) -> T:
        """Store one entity through the repository's single-entity method."""
        result = await call_method(self._save, obj)
        stored: T = obj if result is None else result
        return stored

    async def save_many(self, objs: Sequence[T]) -> list[T]:
        """Store a batch through the bulk method, or one entity at a time without one."""
        batch = list(objs)
        if self._save_many is None:
            return [await self.save(obj) for obj in batch]
        result = await call_method(self._save_many, batch)
        if result is None:
            return batch
        saved = list(result)
        if len(saved) != len(batch):
            raise TypeError(
                f"RepositoryPersistence: {type(self.repo).__name__}'s bulk method returned "
                f"{len(saved)} entities for {len(batch)}; it must return one per entity, in "
                "order, or None."
            )
        return saved

    def __repr__(self) -> str:
        return f"RepositoryPersistence({self.repo!r})"
