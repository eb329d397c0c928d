"""`python -m toolkit`: the command line (see toolkit/cli.py)."""

from toolkit.cli import main

raise SystemExit(main())
