"""GX's unused heavy imports wait for first use (governance.deferred_imports)."""

from __future__ import annotations

import subprocess
import sys

from governance.deferred_imports import DEFERRED


def test_gx_import_leaves_scipy_stats_and_altair_until_used():
    code = (
        "import sys, governance, great_expectations, governance.gx_duckdb\n"
        f"deferred = {DEFERRED!r}\n"
        "print(sorted(m for m in sys.modules if any(m == d or m.startswith(d + '.') for d in deferred)))\n"
        "from scipy.stats import entropy\n"  # a user of the real module gets it
        "import altair, scipy.stats\n"
        "print(round(float(entropy([0.5, 0.5], [0.4, 0.6])), 4), scipy.stats.norm.cdf(0), bool(altair.Chart))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.splitlines()
    assert out[0] == str(sorted(DEFERRED))  # only the stand-ins: nothing of either was executed
    assert out[1] == "0.0204 0.5 True"
