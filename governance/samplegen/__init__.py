"""All sample generators: the warehouse sample's building blocks (see ``governance.sample``) and
the labelled listing titles for the listing model (``listing_titles``, shipped as
``listing_titles.csv``). See ``sample_data/README.md``."""
