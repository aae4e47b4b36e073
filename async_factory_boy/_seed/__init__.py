"""The ``seed`` command: fill a development database from factories.

The command line lives in :mod:`async_factory_boy.__main__`. This package holds the
command and its orchestration only; how a backend's batches reach its database is the
backend's *seed writer*, kept in the backend's package behind its ``_api.py`` and found
through the backend registry (:mod:`async_factory_boy._backends`), on the contract of
:mod:`async_factory_boy._seeding`. One job per module, in three groups:

- **The command line**: argument parsing (``_cli``), URLs and their redaction (``_url``),
  loading the factories (``_specs``), output (``_output``), the error type (``_errors``).
- **A run**: the set-up that picks the writer and reads the progress records (``_plan``),
  the run that writes batch after batch (``_run``), worker processes (``_workers``) and
  ``seed status`` (``_status``).
- **Batches at scale**: batches, shards and the run id (``_batches``), the per-batch random
  and sequence state that makes any split write the same rows (``_determinism``, over the
  core's ``_reach``), and the progress records committed with each batch (``_progress``).

The writers: SQLAlchemy's in ``factory/sqlalchemy`` (``_seed_writer``, one SQL batch in
``_seed_batch`` on the core's capturing call, COPY on PostgreSQL in ``_seed_copy``, progress
records in ``_seed_progress``), MongoDB's in ``factory/mongo/_seed_writer`` (Beanie and
ODMantic build on it), Tortoise's in ``factory/tortoise/_seed_writer``.
"""
