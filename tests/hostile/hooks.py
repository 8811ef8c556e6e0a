"""A stand-in for another plugin that supplies a page's source itself (e.g. a macros or an
include plugin): MkDocs then parses the front-matter, not the coherence plugin."""


def on_page_read_source(page, config):
    if page.file.src_uri == "intents/supplied.md":
        with open(page.file.abs_src_path, encoding="utf-8") as source:
            return source.read()
    return None
