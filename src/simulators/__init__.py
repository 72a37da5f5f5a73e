"""Stateful simulators of the APIs in generated/: each serves its patched spec over real HTTP."""
