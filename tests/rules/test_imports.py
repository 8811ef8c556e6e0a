"""Imports are emitted by the loader: tested end to end in tests/test_across_repositories.py."""

CASES: list = []
