"""What the ODMantic backend offers code outside its factories.

- :class:`ODManticWriter`: the seed command's writer for ODMantic factories (the backend
  registry names it): an ``AIOEngine`` on Motor over the ``--url`` database, then the Mongo
  writer's batches.
"""

from __future__ import annotations

from ._seed_writer import ODManticWriter

__all__ = ["ODManticWriter"]
