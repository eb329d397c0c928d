"""`python -m toolkit`: the command line (see toolkit/cli/__init__.py)."""

from toolkit.cli import main

raise SystemExit(main())
