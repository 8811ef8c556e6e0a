"""mkdocs-coherence: intents, contracts and decision records, checked and published by MkDocs."""

__version__ = "0.1.0"
