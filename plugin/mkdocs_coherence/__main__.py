import sys

from mkdocs_coherence.cli.main import main

sys.exit(main())
