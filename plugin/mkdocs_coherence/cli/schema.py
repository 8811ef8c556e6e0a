"""`coherence schema`: the JSON Schema of the front-matter contract."""

from __future__ import annotations

import argparse

from mkdocs_coherence.cli.common import EXIT_CLEAN


def add_parser(commands: argparse._SubParsersAction) -> None:
    schema = commands.add_parser("schema", help="print the JSON Schema of the front-matter contract")
    schema.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    import json

    from mkdocs_coherence.core.schema import json_schema

    print(json.dumps(json_schema(), indent=2))
    return EXIT_CLEAN
