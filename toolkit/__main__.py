"""Lets ``python -m toolkit`` run the command line."""

from toolkit.cli import main

raise SystemExit(main())
