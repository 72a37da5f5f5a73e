"""Sandbox contract runs: recording, budget, Retry-After and cleanup, against local stand-ins (issue 16 §4)."""
