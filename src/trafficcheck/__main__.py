"""`python -m trafficcheck`."""

import sys

from .cli import main

sys.exit(main())
