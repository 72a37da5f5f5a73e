"""`python -m simulators serve <api> [--port N]`."""

from .cli import main

raise SystemExit(main())
