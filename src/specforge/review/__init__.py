"""Spec review: what a change to specs/, overlays/ or codegen/ does, against a git base.

Stages, per API whose inputs changed: validity, lint (`rules`), overlay health, breaking changes
(`breaking`), the generated client's public API (`surface`) and a drafted changelog entry.
"""

from .breaking import Change, diff_specs
from .render import to_json, to_markdown
from .report import ApiReview, Review
from .rules import RULES, Finding, LintInput, Rule, Source, lint, rule
from .run import run_review
from .surface import SurfaceDiff, diff_surfaces, public_api

__all__ = [
    "RULES",
    "ApiReview",
    "Change",
    "Finding",
    "LintInput",
    "Review",
    "Rule",
    "Source",
    "SurfaceDiff",
    "diff_specs",
    "diff_surfaces",
    "lint",
    "public_api",
    "rule",
    "run_review",
    "to_json",
    "to_markdown",
]
