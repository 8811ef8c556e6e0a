"""`coherence new adr|intent|contract "Title"`: a new document from a template.

Templates are Jinja2 files in the package (`templates/new/<kind>.md`); a project overrides
any of them with a file of the same name in `<dir of mkdocs.yml>/.coherence/templates/`.
They see `title`, `id`, `slug`, `number` (ADRs), `date` (today, ISO) and `kind`.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from pathlib import Path

import jinja2

from mkdocs_coherence.core.config import Settings
from mkdocs_coherence.edits.files import atomic_write, refuse_outside
from mkdocs_coherence.core.numbering import decision_folders, next_number, number_width

KIND_OF = {"adr": "decision", "decision": "decision", "intent": "intent", "contract": "contract"}
TEMPLATE_OF = {"decision": "adr.md", "intent": "intent.md", "contract": "contract.md"}
PROJECT_TEMPLATES = Path(".coherence") / "templates"
PACKAGE_TEMPLATES = Path(__file__).parent.parent / "templates" / "new"
MAX_SLUG = 60


class ScaffoldError(Exception):
    pass


def slugify(title: str) -> str:
    """`Use PostgreSQL (for now)!` -> `use-postgresql-for-now`; letters of any script are kept."""
    text = unicodedata.normalize("NFKD", title)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    slug = re.sub(r"[^\w]+|_+", "-", text).strip("-")
    if len(slug) > MAX_SLUG:
        slug = slug[:MAX_SLUG].rsplit("-", 1)[0] or slug[:MAX_SLUG]
    return slug


def target_folder(settings: Settings, kind: str) -> Path:
    """The configured folder of this kind: the first that exists, else the first configured."""
    folders = [f for f, k in settings.folders.items() if k == kind]
    if not folders:
        raise ScaffoldError(f"no folder is mapped to {kind} in the coherence `folders` option; add one, "
                            f"e.g. `folders: {{docs/{kind}s: {kind}}}`")
    existing = [f for f in folders if f.is_dir()]
    return (existing or folders)[0]


def _environment(settings: Settings) -> jinja2.Environment:
    loaders = [jinja2.FileSystemLoader(str(settings.config_dir / PROJECT_TEMPLATES)),
               jinja2.FileSystemLoader(str(PACKAGE_TEMPLATES))]
    return jinja2.Environment(loader=jinja2.ChoiceLoader(loaders), autoescape=False, keep_trailing_newline=True,
                              undefined=jinja2.StrictUndefined)


def new_document(settings: Settings, what: str, title: str, *, today: date | None = None,
                 base_numbers: set[int] = frozenset()) -> Path:
    """Write the new document and return its path; never overwrites."""
    path, text = plan_document(settings, what, title, today=today, base_numbers=base_numbers)
    atomic_write(path, text, overwrite=False)
    return path


def plan_document(settings: Settings, what: str, title: str, *, today: date | None = None,
                  base_numbers: set[int] = frozenset()) -> tuple[Path, str]:
    """The new document's path and text, written nowhere (`new --dry-run` prints them).
    WriteRefused when the path leads out of the repository through a link."""
    kind = KIND_OF[what]
    title = " ".join(title.split())
    if not title:
        raise ScaffoldError("the title is empty; write it in quotes, e.g. coherence new adr \"Use PostgreSQL\"")
    slug = slugify(title)
    if not slug:
        raise ScaffoldError(f"the title '{title}' has no letters or digits to name the file after")
    folder = target_folder(settings, kind)
    number = None
    if kind == "decision":
        number = next_number(settings, set(base_numbers))
        name = f"{number:0{number_width(folder)}d}-{slug}.md"
        identifier = f"ADR-{number:04d}"
    else:
        name = f"{slug}.md"
        identifier = slug
    path = folder / name
    refuse_outside(settings, path)
    if path.exists():
        raise ScaffoldError(f"{settings.relpath(path)} already exists; choose another title or edit that file")
    try:
        template = _environment(settings).get_template(TEMPLATE_OF[kind])
        text = template.render(title=title, id=identifier, slug=slug, number=number,
                               date=(today or date.today()).isoformat(), kind=kind)
    except jinja2.TemplateError as error:
        where = f" ({error.filename}:{error.lineno})" if isinstance(error, jinja2.TemplateSyntaxError) else ""
        raise ScaffoldError(f"template {TEMPLATE_OF[kind]}{where}: {error}") from None
    return path, text


__all__ = ["new_document", "plan_document", "slugify", "ScaffoldError", "decision_folders"]
