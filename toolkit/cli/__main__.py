"""`python -m toolkit.cli` — the same as the `khulasa` command."""

import sys

from toolkit.cli import main

sys.exit(main())
