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


def test_importing_governance_imports_nothing_heavy():
    """Setting the stand-ins up must not import their packages (``find_spec("scipy.stats")``
    imports scipy and numpy: 0.7 s on every command, ``shopgov --help`` included)."""
    code = ("import sys, governance\n"
            "print(sorted({'numpy', 'scipy', 'pandas'} & set(sys.modules)))\n"
            "print(sorted(n for n in sys.modules if n.startswith(('scipy.', 'altair'))\n"
            "             and sys.modules[n].__dict__.get('__file__') is not None))\n")  # executed ones
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split("\n")[:2] == ["[]", "[]"]


def test_a_package_assumed_absent_is_not_imported_and_gx_runs_without_it():
    code = ("import sys\n"
            "from governance.deferred_imports import assume_absent\n"
            "assert assume_absent('pyspark')\n"
            "import great_expectations as gx\n"
            "from great_expectations.compatibility import pyspark as compat\n"
            "print(sorted(m for m in sys.modules if m.startswith('pyspark') and sys.modules[m] is not None))\n"
            "print(type(compat.SparkSession).__name__)\n"
            "ctx = gx.get_context(mode='ephemeral')\n"
            "print(type(ctx).__name__)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split("\n")
    assert out[:3] == ["[]", "NotImported", "EphemeralDataContext"]
    # already imported: left alone, and says so
    code = "import pyspark\nfrom governance.deferred_imports import assume_absent\nprint(assume_absent('pyspark'))\n"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout == "False\n"
