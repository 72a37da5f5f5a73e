"""Contract tests: each patched spec against a target (schemathesis), business rules (hypothesis state
machines over the generated clients), and the generated clients against everything the specs allow."""
