"""What the Beanie backend offers code outside its factories.

- :class:`BeanieWriter`: the seed command's writer for Beanie factories (the backend
  registry names it): ``init_beanie`` on the ``--url`` database for the documents the
  factories reach, then the Mongo writer's batches.
"""

from __future__ import annotations

from ._seed_writer import BeanieWriter

__all__ = ["BeanieWriter"]
