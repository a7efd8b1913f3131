"""``python -m dashboard.cli``: the same as the ``shopgov`` console script."""

from dashboard.cli import main

main()
