"""Backends written in the test tree, one module each (see ``jsonl_store``)."""
