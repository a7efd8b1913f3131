"""Pause points that let tests stop a real writer process at an exact moment.

A process started with ``SHOPGOV_PAUSE_AT=<point>`` announces the point on stdout as
``shopgov-paused <point> <pid>`` when it gets there and then waits for one line on stdin:
the test inspects the files (or kills the process) and writes a line to let it go on.
Without the variable a pause point does nothing.
"""

from __future__ import annotations

import os
import sys

ENV = "SHOPGOV_PAUSE_AT"
#: The points: a source file staged in the private copy (a converted copy of it may be in
#: the scratch folder); inside an ingest's transaction (rows changed in the private copy,
#: not committed); after a writer's copy is complete, just before it replaces the original.
POINTS = ("ingest.source_staged", "ingest.in_transaction", "warehouse.before_swap")


def pause_point(point: str) -> None:
    """Announce ``point`` and wait for a line on stdin when ``$SHOPGOV_PAUSE_AT`` names it."""
    if os.environ.get(ENV) != point:
        return
    sys.stdout.write(f"shopgov-paused {point} {os.getpid()}\n")
    sys.stdout.flush()
    sys.stdin.readline()  # EOF (the test went away) also lets the process go on
