"""`nox -s bench`: figures measured side by side with their anchors, printed, never asserted."""
