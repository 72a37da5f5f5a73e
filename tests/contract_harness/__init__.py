"""The contract suite driven from outside, in child pytest runs: its `--api` subsets, its one-line "nothing
listening" error, and a third API added through the registry alone. Tests of the harness, not contract cases:
they live here so that a contract run (`nox -s contract`) times only the contract tests."""
