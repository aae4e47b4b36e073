"""The seed command's writer for Beanie factories: the Mongo writer, after ``init_beanie``.

Beanie binds each document class to a database in ``init_beanie``; the command's
``--url`` / ``--database`` name that database, so once connected the writer initialises
Beanie on it for every document class the seeded factories reach (through SubFactory,
RelatedFactory, ...) and every document those link to (``Link`` / ``BackLink`` fields).
Each batch is then one ``create_batch_async(mongo_session=...)`` as for any Beanie call:
Beanie's insert event actions run, and each collection gets one ``insert_many``.
"""

from __future__ import annotations

import typing
from typing import Any

from beanie import Document, init_beanie

from ..._reach import reached_factories
from ..._types import Kwargs
from ..mongo._seed_writer import MongoWriter

__all__ = ["BeanieWriter", "linked_documents"]


def _documents_in(annotation: Any) -> set[type[Document]]:
    """The Document classes an annotation names (``Link[Author]``, ``list[BackLink[Book]]``,
    ``Author | None``, ...)."""
    found: set[type[Document]] = set()
    stack = [annotation]
    while stack:
        current = stack.pop()
        if isinstance(current, type) and issubclass(current, Document):
            found.add(current)
        stack.extend(typing.get_args(current))
    return found


def linked_documents(documents: set[type[Document]]) -> list[type[Document]]:
    """``documents`` and every Document class their fields link to, transitively, sorted by
    name (``init_beanie`` must know both ends of a link)."""
    seen: set[type[Document]] = set()
    stack = list(documents)
    while stack:
        document = stack.pop()
        if document in seen:
            continue
        seen.add(document)
        for field in document.model_fields.values():
            stack.extend(_documents_in(field.annotation) - seen)
    return sorted(seen, key=lambda document: (document.__module__, document.__qualname__))


class BeanieWriter(MongoWriter):
    """Writes batches of ``AsyncBeanieFactory`` factories (``init_beanie`` first)."""

    backend_name = "beanie"

    async def _connected(self) -> None:
        documents: set[type[Document]] = set()
        for factory in self._factories:
            for reached in reached_factories(factory):
                model = getattr(getattr(reached, "_meta", None), "model", None)
                if isinstance(model, type) and issubclass(model, Document):
                    documents.add(model)
        await init_beanie(database=self._database, document_models=linked_documents(documents))

    def connection(self, session: Any) -> Kwargs:
        return {"mongo_session": session}
