"""`python -m simulators serve <api> [--port N]`."""

from ._serving.cli import main

raise SystemExit(main())
