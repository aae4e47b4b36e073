"""A FastAPI + SQLModel service, and the factories its tests use (``tests/sqlmodel_app``)."""
