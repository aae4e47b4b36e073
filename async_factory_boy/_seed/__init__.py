"""The ``seed`` command: fill a development database from factories.

The command line lives in :mod:`async_factory_boy.__main__`; everything else is here, one job
per module: argument parsing (``_cli``), URLs and their redaction (``_url``), loading the
factories (``_specs``), building objects without persisting them (``_collect``), the SQL and
Mongo writers (``_sql``, ``_sql_plan``, ``_mongo``), output (``_output``) and the run that
ties them together (``_run``).
"""
