"""Read Markdown files and their front-matter exactly as MkDocs would, keeping key positions.

Front-matter is split with MkDocs' own pattern (so anything MkDocs would render as raw text
is reported) and parsed once with PyYAML's C safe loader, the loader python-frontmatter and
MkDocs use. The composed node tree gives the line of every key; aliases are expanded under
a budget so an alias bomb is a finding, not an out-of-memory kill.

One module per concern (nothing is re-exported here, so importing `limits` for the settings
does not import PyYAML):

- `limits`: what one file may cost to read.
- `source`: `Source`, one file as read, and the `Positions` of its keys.
- `reading`: bytes from disk (or a git blob) to text, and `SourceCache` between builds.
- `frontmatter`: finding the block as MkDocs does, the `kind:` hint of a block that did not
  parse, fencing an unread block on its page.
- `yaml_block`: parsing one block with positions (the fast constructor, alias budgets).
- `headings`: ATX headings outside fenced code.
- `discovery`: the Markdown files under a folder.
"""
