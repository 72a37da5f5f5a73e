"""`nox -s bench -- --only X` keeps the other rows of BENCHMARKS.json (it used to overwrite the file with X's)."""

from __future__ import annotations

from benchmarks._measure import Figure, Stats
from benchmarks.run import merged, merged_markdown, render

MACHINE = {"cores": 2, "memory_gib": 23.5, "python": "3.11.7", "platform": "linux", "date": "2026-12-02"}


def figure(name: str, value: float) -> Figure:
    return Figure(name, "req/s", Stats.of([value]), "anchor", Stats.of([1.0]), "≥ 2×", higher_is_better=True)


def test_a_partial_run_replaces_its_rows_in_place_and_keeps_the_others() -> None:
    previous = {
        "machine": {**MACHINE, "date": "2026-11-25"},
        "figures": [figure("a", 1).as_dict(), figure("proxy rate", 2).as_dict(), figure("c", 3).as_dict()],
    }
    result = merged(previous, [figure("proxy rate", 20), figure("proxy paced", 5)], "proxy", MACHINE)
    assert [(f.name, f.ours.median if f.ours else None) for f in result["figures"]] == [
        ("a", 1),
        ("proxy rate", 20),
        ("c", 3),
        ("proxy paced", 5),
    ]
    assert result["machine"]["date"] == "2026-11-25"  # the full run's machine line stays
    assert result["partial_runs"] == [{"only": "proxy", "machine": MACHINE}]
    assert result["figures"][0].ratio == 1.0  # read back as a Figure, the ratio recomputed
    assert "| a | 1 req/s |" in render(result["figures"], result["machine"])


def test_a_partial_run_rewrites_only_its_own_lines_of_the_markdown() -> None:
    before = (
        "# Benchmarks\n\n| figure | ours |\n| --- | --- |\n| a | 1 req/s |\n| proxy rate | old |\n\n"
        "- a: measured by hand, load average ~10\n\n<!-- kept by --write-markdown -->\nprofile\n| kept | table |\n"
    )
    fresh = figure("proxy rate", 20)
    paced = figure("proxy paced", 5)
    paced.note = "400 req/s offered"
    after = merged_markdown(before, [fresh, paced], MACHINE).splitlines()
    assert after[4] == "| a | 1 req/s |" and after[5].startswith("| proxy rate | 20 req/s |")
    assert after[6].startswith("| proxy paced | 5 req/s |")
    assert "- a: measured by hand, load average ~10" in after  # a hand-written annotation stays
    assert after[after.index("- a: measured by hand, load average ~10") + 1] == "- proxy paced: 400 req/s offered"
    assert after[-3:] == ["<!-- kept by --write-markdown -->", "profile", "| kept | table |"]
