"""Entry point for ``python -m reports``."""

import logging
import sys

import streamlit  # noqa: F401  (imported first so its loggers exist and can be quietened)

# The reports reuse the app's filter helpers, whose module declares a Streamlit cache; outside
# a Streamlit server that warns "No runtime found" on every start: noise in a cron mail.
logging.getLogger("streamlit.runtime.caching.cache_data_api").setLevel(logging.ERROR)

from reports.cli import main  # noqa: E402

sys.exit(main())
