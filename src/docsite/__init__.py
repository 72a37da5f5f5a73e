"""The docs site's generated pages: built at `mkdocs build` time from the registry, the patched specs, the
overlays, the quirk ledger, the simulators' READMEs and BENCHMARKS.json (mkdocs.yml names `hooks.py`).

Nothing generated is committed: docs/ holds the hand-written pages, this package makes the rest.
"""
