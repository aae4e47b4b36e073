"""What the Tortoise backend offers code outside its factories.

- :class:`TortoiseWriter`: the seed command's writer for Tortoise factories (the backend
  registry names it): Tortoise initialised from the ``--url``, one ``create_batch_async``
  per batch inside ``in_transaction()``, with its progress record;
- :func:`tortoise_url`: the Tortoise ``db_url`` of a SQLAlchemy async URL.
"""

from __future__ import annotations

from ._seed_writer import TortoiseWriter, tortoise_url

__all__ = ["TortoiseWriter", "tortoise_url"]
