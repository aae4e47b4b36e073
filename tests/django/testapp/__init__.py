"""A small Django app for the backend's tests: users, companies, posts with files."""
