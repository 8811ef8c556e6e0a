"""The floor of `coherence check`: read every Markdown file and parse its front-matter with
PyYAML's C loader, nothing else. `run.py` and `check_parts.py` both measure against it; it
imports only the standard library and PyYAML, so timing it times the floor alone."""

from __future__ import annotations

import os
import re

import yaml

FRONT_MATTER = re.compile(r"^-{3}[ \t]*\n(.*?\n)(?:\.{3}|-{3})[ \t]*\n", re.DOTALL)


def read_and_parse(root: str) -> None:
    for folder, _, names in os.walk(root):
        for name in names:
            if name.endswith(".md"):
                with open(os.path.join(folder, name), encoding="utf-8-sig") as stream:
                    match = FRONT_MATTER.match(stream.read())
                if match:
                    yaml.load(match.group(1), Loader=yaml.CSafeLoader)
