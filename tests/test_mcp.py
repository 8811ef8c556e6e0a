"""`coherence mcp`: the real server, started as a subprocess and driven by the MCP SDK's own stdio
client on examples/three-features (issue 19). The answers themselves are tested in-process
in tests/test_assistant.py."""

from __future__ import annotations

import asyncio
import json
import shutil
import sys

import pytest

from conftest import REPO

mcp = pytest.importorskip("mcp", reason="the `mcp` extra (in the `test` extra) is not installed")

TOOLS = {"check", "context", "impact", "neighbours", "decision_for", "search", "draft_adr"}


def _is_error(result) -> bool:
    return bool(getattr(result, "is_error", getattr(result, "isError", False)))


def _text(result) -> str:
    return "".join(getattr(block, "text", "") for block in result.content)


async def _session_run(project, steps):
    from mcp import ClientSession, StdioServerParameters
    from mcp.client.stdio import stdio_client

    params = StdioServerParameters(command=sys.executable, args=["-m", "mkdocs_coherence", "mcp", str(project)])
    async with stdio_client(params) as (read, write):
        async with ClientSession(read, write) as session:
            await session.initialize()
            return await steps(session)


@pytest.fixture
def example(tmp_path):
    return shutil.copytree(REPO / "examples" / "three-features", tmp_path / "three-features")


def test_the_server_answers_every_tool_sees_edits_and_survives_bad_requests(example):
    async def steps(session):
        seen = {}
        tools = await session.list_tools()
        seen["tools"] = {tool.name: tool for tool in tools.tools}

        async def call(name, arguments):
            result = await session.call_tool(name, arguments)
            assert not _is_error(result), (name, _text(result))
            return _text(result)

        seen["check"] = json.loads(await call("check", {"severity": "error"}))
        seen["check_rule"] = json.loads(await call("check", {"rule": "relitigation"}))
        seen["context"] = await call("context", {"id": "express-checkout"})
        seen["impact"] = json.loads(await call("impact", {"paths": ["docs/contracts/customer-profile.md"]}))
        seen["neighbours"] = json.loads(await call("neighbours", {"id": "customer-profile", "depth": 1}))
        seen["decision"] = json.loads(await call("decision_for", {"key": "profile-edit-mode"}))
        seen["search"] = json.loads(await call("search", {"query": "edit_mode"}))
        seen["draft"] = await call("draft_adr", {"title": "Edit the profile in a drawer",
                                                 "decides": "profile-edit-mode"})
        seen["llms"] = (await session.read_resource("coherence://llms.txt")).contents[0].text
        seen["bundle"] = (await session.read_resource("coherence://context/express-checkout")).contents[0].text

        # Malformed and impossible requests: an MCP error each, and the server answers on.
        seen["bad_type"] = await session.call_tool("neighbours", {"id": "customer-profile", "depth": "lots"})
        seen["bad_id"] = await session.call_tool("context", {"id": "no-such-document"})
        seen["bad_key"] = await session.call_tool("decision_for", {"key": "no-such-question"})
        seen["bad_missing"] = await session.call_tool("search", {})

        # An edit between calls shows in the next answer: express-checkout now pins the 2.x contract.
        path = example / "docs" / "intents" / "express-checkout.md"
        path.write_text(path.read_text(encoding="utf-8").replace("customer-profile@1", "customer-profile@2"),
                        encoding="utf-8")
        seen["after"] = json.loads(await call("check", {"rule": "version-mismatch"}))
        return seen

    seen = asyncio.run(_session_run(example, steps))

    assert set(seen["tools"]) == TOOLS
    for tool in seen["tools"].values():  # names and JSON schemas are documented to the client
        assert tool.description and (getattr(tool, "input_schema", None) or tool.inputSchema)["type"] == "object"

    errors = seen["check"]["findings"]
    assert errors and {f["severity"] for f in errors} == {"error"}
    assert ("version-mismatch", "docs/intents/express-checkout.md") in {(f["rule"], f["path"]) for f in errors}
    assert all(f["what_to_do"] for f in errors)
    assert {f["rule"] for f in seen["check_rule"]["findings"]} == {"relitigation"}

    findings = seen["context"].split("## Findings, most important first", 1)[1]
    assert findings.lstrip().splitlines()[0].startswith("- **error** `version-mismatch`")
    assert seen["bundle"] == seen["context"]

    assert {d["id"] for d in seen["impact"]["dependents"]} >= {"express-checkout", "profile-v2", "inline-editing"}
    assert seen["neighbours"]["centre"] == "customer-profile"
    assert {"express-checkout", "ADR-0002"} <= {n["id"] for n in seen["neighbours"]["nodes"]}
    assert [d["id"] for d in seen["decision"]["standing"]] == ["ADR-0002"]
    assert "edited **inline**" in seen["decision"]["standing"][0]["decision"]
    assert [d["id"] for d in seen["decision"]["pending"]] == ["ADR-0003"]
    hits = seen["search"]["results"]
    assert hits[0]["id"] == "ADR-0002" and {h["id"] for h in hits} >= {"customer-profile"}
    assert "status: proposed" in seen["draft"] and "supersedes: [ADR-0002]" in seen["draft"]
    assert "# 4. Edit the profile in a drawer" in seen["draft"]
    assert not list((example / "decisions").glob("0004-*"))  # draft_adr writes nothing
    assert "express-checkout" in seen["llms"]

    for key in ("bad_type", "bad_id", "bad_key", "bad_missing"):
        assert _is_error(seen[key]), key
    assert "did you mean" in _text(seen["bad_id"]) or "no document" in _text(seen["bad_id"])
    assert "profile-edit-mode" in _text(seen["bad_key"])  # says which keys exist

    assert not [f for f in seen["after"]["findings"] if f["path"] == "docs/intents/express-checkout.md"]


def test_without_the_extra_the_command_says_how_to_install_it(tmp_path):
    """A Python where `mcp` cannot be imported: a clear message and exit 2, not a traceback."""
    import subprocess

    blocker = tmp_path / "block"
    blocker.mkdir()
    (blocker / "mcp.py").write_text("raise ImportError('blocked for the test')\n")
    env = {"PYTHONPATH": str(blocker), "PATH": "/usr/bin:/bin"}
    result = subprocess.run([sys.executable, "-m", "mkdocs_coherence", "mcp", str(REPO / "examples" / "three-features")],
                            capture_output=True, text=True, env=env, timeout=60, stdin=subprocess.DEVNULL)
    assert result.returncode == 2
    assert "pip install 'mkdocs-coherence[mcp]'" in result.stderr and "Traceback" not in result.stderr
