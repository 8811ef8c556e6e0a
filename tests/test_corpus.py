"""The one corpus builder: the check and the history pass (fingerprints of earlier versions)
read a file as the same document of the same kind, because folder → kind and file → document
are answered in one place (core/corpus.py)."""

from __future__ import annotations

from conftest import mkdocs_yml
from gitrepo import Repo

from mkdocs_coherence.core.config import read_mkdocs_yml
from mkdocs_coherence.core.corpus import FolderKinds, load_corpus
from mkdocs_coherence.core.fingerprints import fingerprint, hash_material, material
from mkdocs_coherence.core.history import materials_at
from mkdocs_coherence.rules.catalogue import RULES


def test_the_most_specific_folder_names_the_kind(tmp_path):
    kinds = FolderKinds({tmp_path / "docs": "intent", tmp_path / "docs" / "contracts": "contract"})
    assert kinds.of(tmp_path / "docs" / "contracts" / "deep" / "c.md") == "contract"
    assert kinds.of(str(tmp_path / "docs" / "i.md")) == "intent"  # a path as text: the same answer
    assert kinds.of(tmp_path / "docs-old" / "i.md") is None  # shares the name's beginning, not the folder
    assert kinds.of(tmp_path / "elsewhere.md") is None


# In a mapped folder, without `kind:`: the folder names the kind.
NO_KIND = "---\nversion: \"1.2.0\"\nstatus: active\ndefines:\n  order.total: decimal\n---\n# Orders\n"
# Outside every mapped folder, front-matter that does not parse: its `kind:` line still counts.
# The history pass used to ignore that hint and see no document at all.
BROKEN_WITH_KIND = "---\nkind: contract\nversion: \"1.0.0\"\nowners: [web\n---\n# Broken\n"
# Over the configured front-matter limit: not parsed by the check, so not by history either.
# The history pass used to read it with the default limits and see its version and facts.
OVER_THE_LIMIT = "---\nversion: \"3.0.0\"\ndefines:\n  big.fact: " + "x" * 300 + "\n---\n# Big\n"


def test_check_and_history_read_each_file_as_the_same_document(tmp_path):
    repo = Repo(tmp_path / "repo")
    repo.commit("2026-01-01", "documents", {
        "mkdocs.yml": mkdocs_yml(options="limits: {frontmatter_bytes: 200}"),
        "docs/index.md": "# Home\n",
        "docs/contracts/orders.md": NO_KIND,
        "docs/notes/broken.md": BROKEN_WITH_KIND,
        "docs/contracts/big.md": OVER_THE_LIMIT,
    })
    settings = read_mkdocs_yml(repo.root / "mkdocs.yml", RULES)
    by_rel = {document.rel: document for document in load_corpus(settings).documents}
    assert {rel: document.kind for rel, document in by_rel.items()} == {
        "docs/contracts/orders.md": "contract", "docs/notes/broken.md": "contract", "docs/contracts/big.md": "contract"}

    at_head = materials_at(settings, "HEAD", by_rel)  # the same files, read from git blobs
    for rel, document in by_rel.items():
        assert at_head[rel] == material(document), rel
        assert hash_material(at_head[rel]) == fingerprint(document), rel
    assert at_head["docs/contracts/orders.md"]["version"] == "1.2.0"
    assert "version" not in at_head["docs/contracts/big.md"]
