"""`coherence mcp`: a Model Context Protocol server over stdio, so AI coding tools (Claude Code,
Cursor, VS Code, …) ask the project directly (DESIGN §9, docs/ai-tools.md).

The answers live in `site/assistant.py`; this module is the SDK glue and the only one that
imports `mcp` (an optional extra: `pip install 'mkdocs-coherence[mcp]'`), lazily, so
`coherence --help` stays fast. A bad request is an MCP error; the server keeps running.
"""


import argparse
import sys

from mkdocs_coherence.cli.common import EXIT_UNKNOWN, fail, project_arguments, read_settings

MISSING = ("`coherence mcp` needs the MCP SDK, an optional extra: pip install 'mkdocs-coherence[mcp]' "
           "(or pip install 'mcp>=1.20')")
INSTRUCTIONS = ("Intents, contracts and decision records of this project, checked by mkdocs-coherence. "
                "Before changing code or a document, call `context` with the id you work on; `check` lists "
                "open problems; `decision_for` gives the standing answer to a question; `impact` says what "
                "changed files touch. Read-only: `draft_adr` returns Markdown and writes nothing.")


def add_parser(commands: argparse._SubParsersAction) -> None:
    mcp = commands.add_parser("mcp", help="serve the project to AI coding tools (Model Context Protocol, stdio)",
                              description="Run a Model Context Protocol server over stdio: tools check, context, "
                              "impact, neighbours, decision_for, search and draft_adr, and resources for each "
                              "context bundle and llms.txt. Read-only. Needs the `mcp` extra.")
    project_arguments(mcp)
    mcp.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from mkdocs_coherence.core.config import ConfigError

    try:
        server_class, tool_error = _server_class()
    except ImportError:
        return fail(MISSING)
    try:
        settings = read_settings(args)
    except FileNotFoundError as error:
        return fail(f"mcp: {error}")
    except ConfigError as error:
        print(str(error), file=sys.stderr)
        return EXIT_UNKNOWN
    from mkdocs_coherence.site.assistant import Project

    build_server(server_class, tool_error, Project(settings)).run()
    return 0


def _server_class():
    """(the server class, the exception whose message the client sees) of the installed SDK."""
    try:  # mcp 2.x
        from mcp.server.mcpserver import MCPServer
        from mcp.server.mcpserver.exceptions import ToolError
        return MCPServer, ToolError
    except ImportError:  # mcp 1.x
        from mcp.server.fastmcp import FastMCP
        from mcp.server.fastmcp.exceptions import ToolError
        return FastMCP, ToolError


def build_server(server_class, tool_error, project):
    """The server: each tool and resource is a thin call into `project` (a `site.assistant.Project`)."""
    from typing import Annotated, Literal

    from pydantic import Field

    from mkdocs_coherence.site.assistant import BadRequest
    from mkdocs_coherence.site.bundles import DEFAULT_MAX_TOKENS

    server = server_class("coherence", instructions=INSTRUCTIONS)
    Id = Annotated[str, Field(description="a document id (`customer-profile`, `ADR-0002`) or its path")]

    def guarded(function):
        """A BadRequest is the caller's mistake: say what to send instead. Anything else is ours:
        still an MCP error for this call, never the end of the server."""
        import functools

        @functools.wraps(function)
        def call(*args, **kwargs):
            try:
                return function(*args, **kwargs)
            except BadRequest as error:
                raise tool_error(str(error)) from None
            except Exception as error:  # noqa: BLE001 - the server must outlive any one request
                raise tool_error(f"coherence could not answer: {type(error).__name__}: {error}") from None
        return call

    @server.tool()
    @guarded
    def check(rule: Annotated[str | None, Field(description="only this rule slug, e.g. version-mismatch")] = None,
              path: Annotated[str | None, Field(description="only findings in files under this path")] = None,
              severity: Annotated[Literal["error", "warning", "info"] | None,
                                  Field(description="the least severity to show")] = None) -> dict:
        """Open findings of the whole project (errors first), each with what to do; filterable."""
        return project.check(rule=rule, path=path, severity=severity)

    @server.tool()
    @guarded
    def context(id: Id, max_tokens: Annotated[int, Field(ge=200, description="token budget of the bundle")]
                = DEFAULT_MAX_TOKENS) -> str:
        """Everything to know before working on a document, as Markdown: what it must not break, ranked
        findings, the contracts it relies on, standing decisions with their text, other work in flight,
        pending proposals."""
        return project.context(id, max_tokens=max_tokens)

    @server.tool()
    @guarded
    def impact(paths: Annotated[list[str] | None, Field(description="changed files, relative to mkdocs.yml's folder")]
               = None,
               base: Annotated[str | None, Field(description="or: a git revision to compare the working tree with")]
               = None) -> dict:
        """What a change touches: edited documents, documents governing changed code, dependents, and
        the importing projects' documents relying on an edited contract (`exports_to`)."""
        return project.impact(paths=paths, base=base)

    @server.tool()
    @guarded
    def neighbours(id: Id, depth: Annotated[int, Field(ge=0, le=5, description="links away, both ways")] = 1) -> dict:
        """The graph around a document (nodes, edges, findings; the shape of graph.json)."""
        return project.neighbours(id, depth=depth)

    @server.tool()
    @guarded
    def decision_for(key: Annotated[str, Field(description="a `decides` key, e.g. primary-datastore")]) -> dict:
        """The standing answer to a question (`decides` key) with its decision text, pending proposals and
        the superseded history."""
        return project.decision_for(key)

    @server.tool()
    @guarded
    def search(query: Annotated[str, Field(description="text to find in ids, titles, fact names and text")],
               kind: Annotated[Literal["intent", "contract", "decision"] | None, Field(description="only this kind")]
               = None,
               limit: Annotated[int, Field(ge=1, le=100)] = 20) -> dict:
        """Documents by id, title, fact name or text, best matches first."""
        return project.search(query, kind=kind, limit=limit)

    @server.tool()
    @guarded
    def draft_adr(title: Annotated[str, Field(description="the decision's title")],
                  decides: Annotated[str | None, Field(description="the question's `decides` key")] = None,
                  context: Annotated[str | None, Field(description="the forces, for the Context section")] = None
                  ) -> str:
        """The Markdown of a new decision record (status proposed) for a question. Writes nothing: save it
        under the decisions folder (or run `coherence new adr`)."""
        return project.draft_adr(title, decides=decides, context=context)

    @server.resource("coherence://llms.txt", name="llms.txt", mime_type="text/markdown",
                     description="Every document with its status, open problems and a one-line summary")
    @guarded
    def llms() -> str:
        return project.llms_txt()

    @server.resource("coherence://context/{id}", name="context bundle", mime_type="text/markdown",
                     description="The context bundle of one document (as the `context` tool returns it)")
    @guarded
    def bundle(id: str) -> str:
        return project.context(id)

    return server
