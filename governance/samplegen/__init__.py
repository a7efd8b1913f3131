"""Building blocks of the deterministic sample-data generator (see ``governance.sample``)."""
