"""shopgov's governance layer: warehouse, ingestion, catalog, check suites and runs, privacy."""

import sys
import warnings

# GX imports pyspark's Connect modules whenever pyspark (the ``spark`` extra) is installed, and
# pyspark 4 warns on import that it does not fully support pandas 3. Nothing a user can act on,
# and it would turn every one-line CLI error into three lines.
warnings.filterwarnings("ignore", message="PySpark does not yet fully support pandas", category=FutureWarning)

# The same import makes pyspark 4 take a main module with neither spec nor file (``python -c``,
# an embedded interpreter, a pytest-xdist worker) for one of its own doctest runs and, when grpc
# is missing, call sys.exit(0): a ``python -c "...run_checks(...)"`` in a nightly job would end
# silently with "passed". Giving such a main module a file name keeps that check off.
_main = sys.modules.get("__main__")
if _main is not None and getattr(_main, "__spec__", None) is None and not hasattr(_main, "__file__"):
    _main.__file__ = "<string>"

# GX imports scipy.stats and altair for expectations shopgov does not use: on first use instead.
from .deferred_imports import defer_all as _defer_all  # noqa: E402

_defer_all()
