"""shopgov's governance layer: warehouse, ingestion, catalog, check suites and runs, privacy."""

import warnings

# GX imports pyspark's Connect modules whenever pyspark (the ``spark`` extra) is installed, and
# pyspark 4 warns on import that it does not fully support pandas 3. Nothing a user can act on,
# and it would turn every one-line CLI error into three lines.
warnings.filterwarnings("ignore", message="PySpark does not yet fully support pandas", category=FutureWarning)
