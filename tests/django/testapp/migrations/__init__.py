"""Migrations of the test app (PostgreSQL needs them: the user model points at auth)."""
