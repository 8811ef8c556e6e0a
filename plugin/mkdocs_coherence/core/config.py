"""Settings of the `coherence` entry in `mkdocs.yml`, validated identically for plugin and CLI.

The plugin hands MkDocs' parsed option dict to `parse_settings`; the CLI reads `mkdocs.yml`
itself with `read_mkdocs_yml` (no MkDocs import: fast, and no theme or plugin needed).
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

import yaml

from mkdocs_coherence.core.adr_formats import DATE_ORDERS, DECISION_STATUSES, DEFAULT_READING, Reading
from mkdocs_coherence.core.findings import Rule, Severity
from mkdocs_coherence.core.loader.limits import DEFAULT_LIMITS, Limits
from mkdocs_coherence.core.suggest import closest
from mkdocs_coherence.core.values import KINDS, parse_duration

FAIL_ON = ("error", "warning", "never")
RULE_LEVELS = ("error", "warning", "info", "off")
DEFAULT_GATES: dict[str, tuple[str, ...]] = {"high": ("rollback", "monitoring", "owners>=2")}
GATE_REQUIREMENT = re.compile(r"^(?P<key>[a-z_][a-z0-9_-]*)(?:\s*>=\s*(?P<count>\d{1,9}))?$")
OPTIONS = ("folders", "rules", "gates", "outcome_grace", "fail_on", "base", "limits", "statuses", "date_order",
           "risk_floor", "imports", "exports_to")
_BOOLEAN_WORDS = ("true", "false", "yes", "no", "on", "off", "1", "0")  # what !ENV may hand over
RISK_TIERS = ("low", "medium", "high")  # in rank order; tiers named in `gates` rank above them
LIMIT_NAMES = tuple(Limits.__dataclass_fields__)


PROJECT_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
IMPORT_KEYS = ("graph", "site", "timeout", "max_bytes")
DEFAULT_IMPORT_TIMEOUT = 10.0  # seconds, per request
DEFAULT_IMPORT_BYTES = 20_000_000  # a graph.json of 10,000 documents is ~15 MB


@dataclass(frozen=True)
class Import:
    """One entry of `imports`: project name -> its graph.json (a path relative to mkdocs.yml, or a
    URL), the site its pages live on (default: the graph's own folder, or its `site_url`)."""

    project: str
    graph: str
    site: str | None = None
    timeout: float = DEFAULT_IMPORT_TIMEOUT
    max_bytes: int = DEFAULT_IMPORT_BYTES

    @property
    def is_url(self) -> bool:
        return "://" in self.graph


class ConfigError(Exception):
    """A setting that cannot be used; names the option and what is allowed."""

    def __init__(self, option: str, message: str, unread: Path | None = None):
        super().__init__(f"coherence: option '{option}': {message}")
        self.option = option
        self.unread = unread  # the configuration file that could not be read, if that is the problem


@dataclass(frozen=True)
class Settings:
    config_dir: Path
    docs_dir: Path
    folders: dict[Path, str]  # absolute folder -> kind
    # Every rule by slug (`rules.catalogue.RULES`, handed in by the caller: core imports no rule).
    catalogue: Mapping[str, Rule]
    severities: dict[str, Severity | None] = field(default_factory=dict)  # None: rule off
    gates: dict[str, tuple[str, ...]] = field(default_factory=lambda: dict(DEFAULT_GATES))
    outcome_grace_days: int = 60
    fail_on: str = "error"
    base: str | None = None
    limits: Limits = DEFAULT_LIMITS
    reading: Reading = DEFAULT_READING  # `statuses` and `date_order`: how existing ADRs are read
    # The folders the user named in `folders` (they must exist and be read; the defaults are optional).
    configured_folders: frozenset[Path] = frozenset()
    config_file: Path | None = None  # the mkdocs.yml read, for findings about the configuration
    risk_floor_areas: dict[str, str] = field(default_factory=dict)  # area -> the lowest risk tier of its intents
    imports: tuple[Import, ...] = ()  # other projects' published graph.json (core/imports.py)
    exports_to: tuple[str, ...] = ()  # the graph.json of projects known to import this one (for `impact`)
    translations: Translations | None = None  # mkdocs-static-i18n: which files translate another one

    @property
    def risk_tiers(self) -> tuple[str, ...]:
        """Risk tiers from lowest to highest: low, medium, high, then the other tiers `gates` names."""
        return ranked_risks(self.gates)

    def severity_of(self, rule: str) -> Severity | None:
        if rule in self.severities:
            return self.severities[rule]
        known = self.catalogue.get(rule)
        return known.severity if known is not None else Severity.ERROR

    @property
    def repository(self) -> Path:
        """The folder nothing may reach outside of: the git work tree holding mkdocs.yml, else
        the directory of mkdocs.yml (references, `governs` globs and symlinks stay inside)."""
        return repository_root(self.config_dir)

    def inside(self, path: Path | str) -> bool:
        """Whether `path`, symlinks resolved, lies in the repository, docs_dir or a folder the user
        configured (a default folder that is itself a link out of the repository does not count)."""
        try:
            real = os.path.realpath(path)
        except (OSError, ValueError):
            return False
        roots = (self.repository, self.docs_dir, *self.configured_folders)
        return any(_within(real, os.path.realpath(root)) for root in roots)

    def relpath(self, path: Path) -> str:
        """Path as findings show it: relative to the directory of mkdocs.yml, with `/`."""
        text, base = str(path), str(self.config_dir).rstrip(os.sep) + os.sep
        if text.startswith(base):  # the common case, without pathlib: it runs once per file
            return text[len(base):].replace(os.sep, "/")
        try:
            return path.relative_to(self.config_dir).as_posix()
        except ValueError:
            return Path(os.path.relpath(path, self.config_dir)).as_posix()


def _within(path: str, root: str) -> bool:
    return os.path.normcase(path) == os.path.normcase(root) or \
        os.path.normcase(path).startswith(os.path.normcase(root.rstrip(os.sep) + os.sep))


_ROOTS: dict[Path, Path] = {}


def repository_root(config_dir: Path) -> Path:
    """The nearest folder at or above `config_dir` holding `.git` (a folder, or a file in a
    worktree); `config_dir` itself outside git. No git process: a look at the file system."""
    if config_dir not in _ROOTS:
        found = next((folder for folder in (config_dir, *config_dir.parents) if (folder / ".git").exists()),
                     config_dir)
        _ROOTS[config_dir] = Path(os.path.realpath(found))
    return _ROOTS[config_dir]


def _limits(raw: Any) -> Limits:
    if raw is None:
        return DEFAULT_LIMITS
    if not isinstance(raw, Mapping):
        raise ConfigError("limits", f"must map limits to positive numbers, e.g. {{frontmatter_bytes: 2000000}}; "
                          f"limits are {_allowed(LIMIT_NAMES)}")
    values = {}
    for name, value in raw.items():
        if name not in LIMIT_NAMES:
            raise ConfigError("limits", f"unknown limit '{name}'{_did_you_mean(str(name), LIMIT_NAMES)}; "
                              f"limits are {_allowed(LIMIT_NAMES)}")
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ConfigError("limits", f"limit '{name}' must be a positive whole number, not '{value}'")
        values[name] = value
    return Limits(**{**DEFAULT_LIMITS.__dict__, **values})


def _did_you_mean(word: str, choices) -> str:
    close = closest(word, choices)
    return f" (did you mean '{close}'?)" if close else ""


def _allowed(values) -> str:
    return ", ".join(f"'{v}'" for v in values)


def default_folders(config_dir: Path, docs_dir: Path) -> dict[Path, str]:
    return {
        config_dir / "decisions": "decision",
        docs_dir / "decisions": "decision",
        docs_dir / "intents": "intent",
        docs_dir / "contracts": "contract",
    }


def parse_settings(options: Mapping[str, Any] | None, *, config_dir: Path, docs_dir: Path,
                   catalogue: Mapping[str, Rule], config_file: Path | str | None = None,
                   i18n: Mapping[str, Any] | None = None) -> Settings:
    """Validate the plugin options against `catalogue` (every rule by slug); raise ConfigError
    naming the option and allowed values."""
    options = dict(options or {})
    config_dir = Path(config_dir).resolve()
    docs_dir = Path(docs_dir).resolve()
    # MkDocs' own switch (`enabled: !ENV [CI, true]`): MkDocs drops it before the plugin sees
    # its options; the command line, run on purpose, checks either way.
    enabled = options.pop("enabled", True)
    if not isinstance(enabled, bool) and str(enabled).lower() not in _BOOLEAN_WORDS:
        raise ConfigError("enabled", f"expected true or false, got {enabled!r}")
    for name in options:
        if name not in OPTIONS:
            raise ConfigError(name, f"unknown option{_did_you_mean(name, OPTIONS)}; options are {_allowed(OPTIONS)}")

    folders = default_folders(config_dir, docs_dir)
    configured: frozenset[Path] = frozenset()
    if options.get("folders") is not None:
        folders = _folders(options["folders"], config_dir)
        configured = frozenset(folders)

    severities: dict[str, Severity | None] = {}
    raw_rules = options.get("rules") or {}
    if not isinstance(raw_rules, Mapping):
        raise ConfigError("rules", f"must map rule slugs to one of {_allowed(RULE_LEVELS)}")
    for slug, level in raw_rules.items():
        if slug not in catalogue:
            raise ConfigError("rules", f"unknown rule '{slug}'{_did_you_mean(str(slug), catalogue)}; "
                              "see the rules reference")
        if level is False:  # YAML reads a bare `off` as false
            level = "off"
        if level not in RULE_LEVELS:
            raise ConfigError("rules", f"rule '{slug}' set to '{level}'; allowed: {_allowed(RULE_LEVELS)}")
        severities[slug] = None if level == "off" else Severity.parse(level)

    gates = dict(DEFAULT_GATES)
    if options.get("gates") is not None:
        raw_gates = options["gates"]
        if not isinstance(raw_gates, Mapping):
            raise ConfigError("gates", "must map a risk tier to a list of requirements, e.g. {high: [rollback, owners>=2]}")
        gates = {}
        for tier, needs in raw_gates.items():
            if not isinstance(needs, list) or not all(isinstance(n, str) and GATE_REQUIREMENT.match(n) for n in needs):
                raise ConfigError("gates", f"tier '{tier}' must list keys or 'key>=N' counts, e.g. [rollback, owners>=2]")
            gates[str(tier)] = tuple(needs)

    grace = options.get("outcome_grace", "60d")
    days = parse_duration(grace)
    if days is None:
        raise ConfigError("outcome_grace", f"'{grace}' is not a duration; write e.g. 60d, 8w, 2m or 1y")

    fail_on = options.get("fail_on", "error")
    if fail_on is False:
        fail_on = "never"
    if fail_on not in FAIL_ON:
        raise ConfigError("fail_on", f"'{fail_on}' is not allowed; allowed: {_allowed(FAIL_ON)}")

    base = options.get("base") or os.environ.get("COHERENCE_BASE") or None
    if base is not None and not isinstance(base, str):
        raise ConfigError("base", "must be a git revision (a string), e.g. origin/main")

    limits = _limits(options.get("limits"))
    reading = Reading(_statuses(options.get("statuses")), _date_order(options.get("date_order")))

    floors = _risk_floor(options.get("risk_floor"), ranked_risks(gates))

    imports = _imports(options.get("imports"))
    exports_to = _exports_to(options.get("exports_to"))

    return Settings(config_dir, docs_dir, folders, catalogue, severities, gates, days, fail_on, base, limits, reading,
                    configured, Path(config_file) if config_file is not None else None, floors, imports, exports_to,
                    translations_of(i18n, docs_dir))


def _location(option: str, text: Any, what: str) -> str:
    """A path relative to mkdocs.yml, or an https:// URL (http:// only for this machine)."""
    if not isinstance(text, str) or not text.strip() or any(ord(char) < 32 for char in text):
        raise ConfigError(option, f"{what} must be a path relative to mkdocs.yml or an https:// URL, not {text!r}")
    text = text.strip()
    if "://" in text:
        from urllib.parse import urlsplit

        parts = urlsplit(text)
        loopback = parts.hostname in ("127.0.0.1", "localhost", "::1")
        if not parts.hostname or not (parts.scheme == "https" or (parts.scheme == "http" and loopback)):
            raise ConfigError(option, f"{what} '{text}': only https:// URLs are read (http:// only for 127.0.0.1, "
                              "localhost or ::1, e.g. a local mirror); or give a path relative to mkdocs.yml")
    return text


def _imports(raw: Any) -> tuple[Import, ...]:
    """`imports: {payments: ../payments/site/graph.json}` or `{payments: {graph: URL, site: URL,
    timeout: 10, max_bytes: 20000000}}`."""
    if raw is None:
        return ()
    example = "e.g. {payments: ../payments/site/graph.json}"
    if not isinstance(raw, Mapping):
        raise ConfigError("imports", f"must map a project name to its graph.json (path or https:// URL), {example}")
    found = []
    for name, entry in raw.items():
        if not isinstance(name, str) or not PROJECT_NAME.match(name):
            raise ConfigError("imports", f"project name {name!r} must be letters, digits, '.', '_' or '-' (it prefixes "
                              f"references: name:id), {example}")
        if not isinstance(entry, Mapping):
            entry = {"graph": entry}
        unknown = [str(key) for key in entry if key not in IMPORT_KEYS]
        if unknown:
            raise ConfigError("imports", f"project '{name}': unknown key '{unknown[0]}'"
                              f"{_did_you_mean(unknown[0], IMPORT_KEYS)}; keys are {_allowed(IMPORT_KEYS)}")
        graph = _location("imports", entry.get("graph"), f"project '{name}': graph")
        site = entry.get("site")
        if site is not None:
            site = _location("imports", site, f"project '{name}': site")
        timeout = entry.get("timeout", DEFAULT_IMPORT_TIMEOUT)
        if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not 0 < timeout <= 600:
            raise ConfigError("imports", f"project '{name}': timeout must be a number of seconds in (0, 600], "
                              f"not {timeout!r}")
        max_bytes = entry.get("max_bytes", DEFAULT_IMPORT_BYTES)
        if isinstance(max_bytes, bool) or not isinstance(max_bytes, int) or max_bytes < 1:
            raise ConfigError("imports", f"project '{name}': max_bytes must be a positive whole number, not {max_bytes!r}")
        found.append(Import(name, graph, site, float(timeout), max_bytes))
    return tuple(found)


def _exports_to(raw: Any) -> tuple[str, ...]:
    """`exports_to: [../checkout/site/graph.json, https://checkout.example.com/graph.json]`."""
    if raw is None:
        return ()
    if isinstance(raw, str):
        raw = [raw]
    if not isinstance(raw, list):
        raise ConfigError("exports_to", "must list the graph.json (paths or https:// URLs) of projects that import "
                          "this one, e.g. [../checkout/site/graph.json]")
    return tuple(_location("exports_to", item, "item") for item in raw)


# --- translations (mkdocs-static-i18n) ---------------------------------------------------


@dataclass(frozen=True)
class Translations:
    """The files mkdocs-static-i18n reads as translations of another: `x.fr.md` beside `x.md`
    (docs_structure: suffix) or `docs/fr/x.md` beside `docs/en/x.md` (folder). A translation is
    the same document in another language: the check reads the default-language file only."""

    structure: str  # suffix | folder
    default: str  # the default locale
    locales: frozenset[str]  # the other locales

    def original(self, path: str, docs_dir: str) -> str | None:
        """The default-language file `path` translates (absolute, os.sep), or None when it is no
        translation."""
        folder, name = os.path.split(path)
        if self.structure == "suffix":
            stem, dot, suffix = name.rpartition(".")
            base, _, locale = stem.rpartition(".")
            if dot and base and locale in self.locales:
                return os.path.join(folder, f"{base}.{suffix}")
            return None
        prefix = docs_dir.rstrip(os.sep) + os.sep
        if path.startswith(prefix):
            locale, _, rest = path[len(prefix):].partition(os.sep)
            if rest and locale in self.locales:
                return os.path.join(prefix + self.default, rest)
        return None


def translations_of(i18n: Mapping[str, Any] | None, docs_dir: Path) -> Translations | None:
    """What the i18n plugin's options (raw YAML or MkDocs' parsed config) make a translation."""
    if not isinstance(i18n, Mapping):
        return None
    languages = i18n.get("languages")
    if not isinstance(languages, (list, tuple)):
        return None
    locales = [(str(lang.get("locale")), bool(lang.get("default"))) for lang in languages
               if isinstance(lang, Mapping) and lang.get("locale")]
    if not locales:
        return None
    default = next((locale for locale, is_default in locales if is_default), locales[0][0])
    structure = "folder" if i18n.get("docs_structure") == "folder" else "suffix"
    others = frozenset(locale for locale, _ in locales if locale != default)
    return Translations(structure, default, others) if others else None


def _folders(raw: Any, config_dir: Path) -> dict[Path, str]:
    """`folders`: folder (relative to mkdocs.yml) -> kind. A folder keeps the name it was given
    (a link inside it is followed when the files are read, not here), so a symlinked
    `docs/intents` is still the folder MkDocs publishes as `intents/`."""
    if not isinstance(raw, Mapping):
        raise ConfigError("folders", "must map a folder to a kind, e.g. {decisions: decision}")
    folders = {}
    for folder, kind in raw.items():
        if isinstance(folder, bool) or folder is None or not isinstance(folder, (str, int)):
            raise ConfigError("folders", f"{folder!r} is not a folder name; write a path relative to mkdocs.yml, "
                              "e.g. {docs/intents: intent}")
        name = str(folder)
        if not name.strip() or any(ord(char) < 32 or ord(char) == 127 for char in name):
            raise ConfigError("folders", f"folder {name!r} is empty or holds a control character (a NUL byte?); "
                              "write a path relative to mkdocs.yml, e.g. docs/intents")
        if kind not in KINDS:
            raise ConfigError("folders", f"folder '{name}' maps to '{kind}'{_did_you_mean(str(kind), KINDS)}; "
                              f"kinds are {_allowed(KINDS)}")
        folders[Path(os.path.normpath(config_dir / name))] = kind
    return folders


def ranked_risks(gates: Mapping) -> tuple[str, ...]:
    return tuple(dict.fromkeys((*RISK_TIERS, *gates)))


def _risk_floor(raw: Any, tiers: tuple[str, ...]) -> dict[str, str]:
    """`{areas: {payments: high}}` -> {"payments": "high"}: the tier an intent in that area is at least at."""
    if raw is None:
        return {}
    example = "e.g. {areas: {payments: high}}"
    if not isinstance(raw, Mapping):
        raise ConfigError("risk_floor", f"must map `areas` to the lowest risk tier of each area, {example}")
    unknown = [str(key) for key in raw if key != "areas"]
    if unknown:
        raise ConfigError("risk_floor", f"'{unknown[0]}' is not allowed; allowed: 'areas'{_did_you_mean(unknown[0], ('areas',))}")
    areas = raw.get("areas") or {}
    if not isinstance(areas, Mapping):
        raise ConfigError("risk_floor", f"areas must map an area to a risk tier, {example}")
    floors = {}
    for area, tier in areas.items():
        if not isinstance(area, str) or not area.strip():
            raise ConfigError("risk_floor", f"area '{area}' is not a name; {example}")
        if tier not in tiers:
            raise ConfigError("risk_floor", f"area '{area}' has tier '{tier}'; allowed: {_allowed(tiers)}"
                              f"{_did_you_mean(str(tier), tiers)}")
        floors[area] = tier
    return floors


def _statuses(raw: Any) -> dict[str, str]:
    """A team's own status words -> lifecycle statuses: `{pending: proposed, incomplete: proposed}`."""
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        raise ConfigError("statuses", f"must map a status word to one of {_allowed(DECISION_STATUSES)}, "
                          "e.g. {incomplete: proposed}")
    words = {}
    for word, status in raw.items():
        if not isinstance(word, str) or not word.strip():
            raise ConfigError("statuses", f"'{word}' is not a word; map words to one of {_allowed(DECISION_STATUSES)}")
        if status not in DECISION_STATUSES:
            raise ConfigError("statuses", f"word '{word}' maps to '{status}'; allowed: {_allowed(DECISION_STATUSES)}"
                              f"{_did_you_mean(str(status), DECISION_STATUSES)}")
        words[" ".join(word.lower().split())] = status
    return words


def _date_order(raw: Any) -> str:
    """How to read a numeric date such as 05/02/2018: `auto` (from the folder's other dates), `dmy`, `mdy`."""
    order = "auto" if raw is None else raw
    if order not in DATE_ORDERS:
        raise ConfigError("date_order", f"'{raw}' is not allowed; allowed: {_allowed(DATE_ORDERS)}")
    return order


# --- reading mkdocs.yml without MkDocs -------------------------------------------------


class _TolerantLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """Safe loader that reads MkDocs' `!ENV` and ignores `!!python/...` and other tags."""


def _env_tag(loader, node):
    names = [loader.construct_scalar(node)] if isinstance(node, yaml.ScalarNode) else loader.construct_sequence(node)
    *candidates, default = names if len(names) > 1 else (names + [None])
    for name in candidates:
        if isinstance(name, str) and name in os.environ:
            return os.environ[name]
    return default


def _unknown_tag(loader, suffix, node):
    return None


_TolerantLoader.add_constructor("!ENV", _env_tag)
_TolerantLoader.add_multi_constructor("", _unknown_tag)


def _deep_merge(parent: dict, child: dict) -> dict:
    merged = dict(parent)
    for key, value in child.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


# The configuration file is read before its `limits` option is known: fixed limits, far above
# any real mkdocs.yml (a few kilobytes; a nav of 20,000 pages is about 1 MB) and far below what
# would stall or exhaust a machine (docs/reference/reliability.md).
CONFIG_LIMITS = Limits(file_bytes=2_000_000, frontmatter_bytes=2_000_000, expanded_nodes=200_000, nesting_depth=64)
MAX_INHERIT = 10  # `INHERIT` chain length


def _read_config_text(path: Path, limits: Limits) -> str:
    """The file's text: a regular file (a FIFO would block, /dev/zero never end), at most
    `limits.file_bytes`; never reads more than one byte past the limit."""
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            raise ConfigError("config", f"{path} is not a regular file (a pipe, socket, device or folder); "
                              "pass the mkdocs.yml file")
        with open(path, "rb") as stream:
            raw = stream.read(limits.file_bytes + 1)
    except OSError as error:
        raise ConfigError("config", f"cannot read {path}: {error.strerror or error}") from None
    except ValueError as error:  # a NUL byte in the path
        raise ConfigError("config", f"cannot read {path!r}: {error}") from None
    if len(raw) > limits.file_bytes:
        raise ConfigError("config", f"{path} is larger than {limits.file_bytes:,} bytes, the limit for a "
                          "configuration file; it is not read")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ConfigError("config", f"{path} is not valid UTF-8 (byte 0x{raw[error.start]:02x} at offset "
                          f"{error.start}); save it as UTF-8") from None


def _measure(text: str, path: Path, limits: Limits) -> bool:
    """Count values and nesting from the parser's events, before any tree is built. Raise
    ConfigError past a limit; True when the file uses aliases (checked once composed)."""
    from mkdocs_coherence.core.loader.yaml_block import _ExpansionTooLarge, _TooDeep, measure_events

    try:
        return measure_events(text, _TolerantLoader, limits.nesting_depth, limits.expanded_nodes)
    except _TooDeep:
        raise ConfigError("config", _too_deep(path, limits)) from None
    except _ExpansionTooLarge:
        raise ConfigError("config", f"{path} holds more than {limits.expanded_nodes:,} values, the limit for a "
                          "configuration file; it is not read") from None


def _too_deep(path: Path, limits: Limits) -> str:
    return (f"{path} nests lists and mappings more than {limits.nesting_depth} levels deep, the limit for a "
            "configuration file; it is not read")


def _parse_config(text: str, path: Path, limits: Limits = CONFIG_LIMITS) -> Any:
    from mkdocs_coherence.core.loader.yaml_block import _check_expansion, _ExpansionTooLarge, _RecursiveAlias, _TooDeep

    aliases = _measure(text, path, limits)
    loader = _TolerantLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        if aliases:  # an alias bomb is small on disk and billions of values once expanded
            try:
                _check_expansion(node, limits.expanded_nodes, limits.nesting_depth)
            except (_ExpansionTooLarge, _TooDeep):
                raise ConfigError("config", f"{path} expands through aliases to more than {limits.expanded_nodes:,} "
                                  f"values or {limits.nesting_depth} levels (an alias bomb?); it is not read") from None
            except _RecursiveAlias:
                raise ConfigError("config", f"{path} contains a recursive alias; remove it") from None
        return loader.construct_document(node)
    finally:
        loader.dispose()


def _load_yaml_file(path: Path, seen: tuple[Path, ...] = ()) -> dict:
    if path in seen:
        raise ConfigError("INHERIT", f"{path} inherits from itself")
    if len(seen) >= MAX_INHERIT:
        raise ConfigError("INHERIT", f"{path}: more than {MAX_INHERIT} files inherit from one another")
    try:
        text = _read_config_text(path, CONFIG_LIMITS)
        data = _parse_config(text, path)
    except ConfigError as error:
        error.unread = error.unread or path
        raise
    except (yaml.YAMLError, ValueError, OverflowError, TypeError, RecursionError) as error:
        from mkdocs_coherence.core.loader.yaml_block import NESTING_LIMIT_MESSAGE

        if NESTING_LIMIT_MESSAGE in str(error):  # PyYAML >= 6.0.4 stops deep flow nesting itself
            raise ConfigError("config", _too_deep(path, CONFIG_LIMITS), path) from None
        what = " ".join(str(error).split())
        raise ConfigError("config", f"{path} is not valid YAML: {what}", path) from None
    if not isinstance(data, dict):
        raise ConfigError("config", f"{path} must be a mapping of MkDocs settings")
    parent = data.pop("INHERIT", None)
    if parent:
        if not isinstance(parent, str) or "\0" in parent:
            raise ConfigError("INHERIT", f"{path}: INHERIT must name a file, e.g. INHERIT: base.yml")
        data = _deep_merge(_load_yaml_file(Path(os.path.abspath(path.parent / parent)), seen + (path,)), data)
    return data


def plugin_options(mkdocs_config: Mapping[str, Any], name: str = "coherence") -> Mapping[str, Any] | None:
    """The options of a plugin entry (ours by default), in any of the forms MkDocs accepts."""
    plugins = mkdocs_config.get("plugins") or []
    if isinstance(plugins, Mapping):
        plugins = [{key: opts} for key, opts in plugins.items()]
    for entry in plugins:
        if entry == name:
            return {}
        if isinstance(entry, Mapping) and name in entry:
            options = entry[name] or {}
            if not isinstance(options, Mapping):
                if name != "coherence":
                    return None
                raise ConfigError("plugins", "the coherence entry must hold a mapping of options")
            return options
    return None


def read_mkdocs_yml(config_file: Path, catalogue: Mapping[str, Rule]) -> Settings:
    """Settings for the CLI, from the same `mkdocs.yml` entry the plugin reads."""
    try:
        config_file = Path(os.path.abspath(config_file))
    except ValueError as error:  # a NUL byte in the path
        raise ConfigError("config", f"cannot read {str(config_file)!r}: {error}") from None
    data = _load_yaml_file(config_file)
    config_dir = Path(os.path.realpath(config_file.parent))
    docs_dir = data.get("docs_dir") or "docs"
    if not isinstance(docs_dir, str) or any(ord(char) < 32 for char in docs_dir):
        raise ConfigError("docs_dir", f"{docs_dir!r} is not a folder name; write a path relative to mkdocs.yml, "
                          "e.g. docs_dir: docs")
    options = plugin_options(data) or {}
    return parse_settings(options, config_dir=config_dir, docs_dir=config_dir / docs_dir, catalogue=catalogue,
                          config_file=config_file, i18n=plugin_options(data, "i18n"))
