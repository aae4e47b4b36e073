"""The ``seed`` command: fill a development database from factories.

The command line lives in :mod:`async_factory_boy.__main__`; everything else is here, one job
per module: argument parsing (``_cli``), URLs and their redaction (``_url``), loading the
factories (``_specs``), one SQL batch: objects taken over for the bulk writer or left to the
backend's session (``_collect``, on the core's entry point :mod:`async_factory_boy._capture`),
the SQL, Mongo and Tortoise writers (``_sql``, ``_sql_plan``, ``_mongo``, ``_tortoise``),
output (``_output``) and the run that ties them together (``_run``). A run at scale: its
batches, shards and id (``_batches``), the per-batch random and sequence state that makes
any split write the same rows (``_determinism``, over ``_reach``), the progress records
committed with each batch (``_progress``, ``_sql_progress``) and the set-up that reads them
(``_plan``), worker processes (``_workers``) and ``seed status`` (``_status``).
"""
