"""The stale rules' story, shared by their tests and the impact and serve tests: a contract,
the same contract reworded (no material change), its major version 2, and intents relying on
it directly and through each other."""

from __future__ import annotations

from conftest import mkdocs_yml

CONTRACT_V1 = """\
---
version: "1.4.0"
status: active
owners: [identity]
defines:
  customer.email: string
  customer.status: [active, closed]
invariants:
  - a customer has exactly one email
---
# Customer profile

The customer record.
"""

# Same material content: keys reordered, quoting and list style changed, a comment, new prose.
CONTRACT_V1_PROSE = """\
---
status: "active"   # still active
owners: [identity, platform]
version: '1.4.0'
defines:
  customer.status:
    - closed
    - active
  customer.email: "string"
invariants: ["a customer   has exactly one email"]
---
# Customer profile

The customer record, explained at length. Typos fixed.
"""

CONTRACT_V2 = """\
---
version: "2.0.0"
status: active
owners: [identity]
defines:
  customer.status: [active, closed]
invariants:
  - a customer has exactly one email
---
# Customer profile
"""


def intent(name: str, refs: str, extra: str = "") -> str:
    return f"---\nstatus: draft\nowners: [web]\n{refs}\n{extra}---\n# {name}\n"


def base_tree(**extra: str) -> dict[str, str]:
    tree = {
        "mkdocs.yml": mkdocs_yml(),
        "docs/index.md": "# Home\n",
        "docs/contracts/customer-profile.md": CONTRACT_V1,
        "docs/intents/checkout.md": intent("Checkout", "uses: [customer-profile]"),
        "docs/intents/wallet.md": intent("Wallet", "depends_on: [checkout]"),
        "docs/intents/rewards.md": intent("Rewards", "depends_on: [wallet]"),
        "docs/intents/early.md": intent("Early", "uses: [customer-profile]", "reviewed: 2026-02-15\n"),
        "docs/intents/late.md": intent("Late", "uses: [customer-profile]", "reviewed: 2026-03-02\n"),
    }
    tree.update(extra)
    return tree
