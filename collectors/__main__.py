"""Entry point: ``python -m collectors run|watch``."""

import sys

from collectors.cli import main

sys.exit(main())
