"""A small FastAPI application (users, companies, posts) and the factories its tests use."""
