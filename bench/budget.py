"""The largest process of a library build, before and after, in one run (issue 21, point 3).

Builds libraries of 3, 6 and 12 FRUS volumes (the three of ../shared/frus/, copies with new volume
ids: bench/scale.py's ``library``) with ``teikit build --jobs 2`` (validated, every output, the search
index), each toolkit a frozen ``git archive`` (bench/scale.py's ``before_tree``) run from its folder
with this checkout's venv, and reports for each build: CPU seconds (user + system of the build and every
process it waited for), wall seconds, the parent's peak, the largest worker's, how many workers were
started, and Pagefind's (bench/peaks.py: each process's own peak, sampled every 50 ms).

Variants: ``--before REV`` and ``--after REV`` (default: the commit before the budget was checked before a
part, and HEAD); ``--budget MB`` (repeatable) adds the "after" toolkit with ``pool.WORKER_BUDGET`` set to
MB (what a lower budget alone would cost); ``--before-budget MB`` the same for "before". Within a round
the variants take turns, the order reversed every other round (``--repeat``), so that a change of the
machine's load falls on all of them; compare CPU seconds within a row, never across runs.

    python bench/budget.py                        # make bench-budget
    python bench/budget.py --volumes 6 --repeat 3 --before-budget 215

Results: a Markdown table on stdout and in bench/results/budget-TAG.md, JSON in budget-TAG.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import peaks  # noqa: E402  bench/peaks.py: measure
import run  # noqa: E402  bench/run.py: ROOT, VENV_BIN, frus_folder
from scale import before_tree, library  # noqa: E402

#: main just before the pool checked a worker's budget before each part (toolkit/pool.py, _Growth).
BEFORE = "53427f7"
TARGET_PEAK_MB = 300.0
MB = 1024 * 1024

#: ``python -c`` that runs the toolkit with another worker budget (its first argument, in bytes).
_WITH_BUDGET = ("import sys, toolkit.pool as pool; pool.WORKER_BUDGET = int(sys.argv.pop(1)); "
                "from toolkit.cli import main; raise SystemExit(main(sys.argv[1:]))")


def variants(args: argparse.Namespace, corpus: Path) -> list[tuple[str, Path, int | None]]:
    """(label, toolkit folder, budget in bytes or None for the toolkit's own) of each variant measured."""
    trees = {"before": before_tree(args.before, corpus / "before-toolkit"),
             "after": before_tree(args.after, corpus / "after-toolkit")}
    found: list[tuple[str, Path, int | None]] = [("before", trees["before"], None), ("after", trees["after"], None)]
    found += [(f"before, budget {mb} MB", trees["before"], mb * MB) for mb in args.before_budget]
    found += [(f"after, budget {mb} MB", trees["after"], mb * MB) for mb in args.budget]
    return found


def build_command(folder: Path, out: Path, budget: int | None, jobs: int) -> list[str]:
    python = str(run.VENV_BIN / "python")
    start = [python, "-m", "toolkit"] if budget is None else [python, "-c", _WITH_BUDGET, str(budget)]
    return [*start, "build", "--jobs", str(jobs), "--out", str(out), str(folder)]


def bench(args: argparse.Namespace) -> list[dict]:
    frus = run.frus_folder(args.frus)
    if frus is None:
        raise SystemExit("bench/budget.py: the FRUS volumes (../shared/frus) were not found: give --frus DIR")
    corpus = args.corpus / "budget"
    measured = variants(args, corpus)
    rows: list[dict] = []
    for count in args.volumes:
        folder = corpus / f"library-{count}"
        volumes = library(frus, folder, max(1, count // 3))
        megabytes = sum(path.stat().st_size for path in volumes) / MB
        for round_number in range(args.repeat):
            order = measured if round_number % 2 == 0 else measured[::-1]
            for label, tree, budget in order:
                out = corpus / "out"
                shutil.rmtree(out, ignore_errors=True)
                print(f"{len(volumes)} volumes, {label} ...", file=sys.stderr, flush=True)
                found = peaks.measure(build_command(folder, out, budget, args.jobs), cwd=tree,
                                      errors_to=str(corpus / "build.err"))
                if found["rc"] not in (0, 1):  # 1: volumes with documents kept back by their errors
                    raise SystemExit(f"bench/budget.py: the build ({label}) exited {found['rc']}: see "
                                     f"{corpus / 'build.err'}")
                row = {"volumes": len(volumes), "megabytes": round(megabytes, 1), "variant": label,
                       "round": round_number, "load": os.getloadavg()[0], **found}
                rows.append(row)
                print(f"  cpu {found['cpu']:.1f} s, wall {found['wall']:.1f} s, parent {found['parent']:.0f} MB, "
                      f"largest worker {max(found['workers'], default=0):.0f} MB "
                      f"({len(found['workers'])} workers), others {found['others'][:2]}", file=sys.stderr, flush=True)
        shutil.rmtree(corpus / "out", ignore_errors=True)
    return rows


def markdown(rows: list[dict], args: argparse.Namespace) -> str:
    """One line per (volumes, variant): median CPU and wall, the highest peaks over the rounds."""
    lines = [f"Budget benchmark, {dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M} UTC, before = {args.before}, "
             f"after = {args.after}, `--jobs {args.jobs}`, {args.repeat} round(s), load "
             f"{min(row['load'] for row in rows):.1f}-{max(row['load'] for row in rows):.1f}", "",
             "| volumes (MB of TEI) | variant | CPU s (median) | wall s (median) | parent MB | largest worker MB "
             "| workers started | Pagefind MB | largest ≤ 300 MB |",
             "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | :---: |"]
    keys = list(dict.fromkeys((row["volumes"], row["variant"]) for row in rows))
    for volumes, variant in keys:
        group = [row for row in rows if (row["volumes"], row["variant"]) == (volumes, variant)]
        cpu = statistics.median(row["cpu"] for row in group)
        wall = statistics.median(row["wall"] for row in group)
        parent = max(row["parent"] for row in group)
        worker = max(max(row["workers"], default=0.0) for row in group)
        started = "/".join(str(len(row["workers"])) for row in group)
        pagefind = max((size for row in group for name, size in row["others"] if name == "pagefind"), default=0)
        largest = max(parent, worker, pagefind)
        rounds = ", ".join(format(row["cpu"], ".1f") for row in group)
        lines.append(f"| {volumes} ({group[0]['megabytes']}) | {variant} | {cpu:.1f} ({rounds}) "
                     f"| {wall:.0f} | {parent:.0f} | {worker:.0f} "
                     f"| {started} | {pagefind:.0f} | {'yes' if largest <= TARGET_PEAK_MB else '**no**'} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--before", default=BEFORE)
    parser.add_argument("--after", default="HEAD")
    parser.add_argument("--volumes", default="3,6,12", type=lambda text: [int(n) for n in text.split(",")],
                        help="library sizes, multiples of 3 (default 3,6,12)")
    parser.add_argument("--budget", type=int, action="append", default=[], metavar="MB")
    parser.add_argument("--before-budget", type=int, action="append", default=[], metavar="MB")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--frus", type=Path, default=None)
    parser.add_argument("--corpus", type=Path, default=run.BENCH / "corpus")
    parser.add_argument("--tag", default="latest")
    args = parser.parse_args(argv)
    rows = bench(args)
    table = markdown(rows, args)
    print(table)
    results = run.BENCH / "results"
    results.mkdir(exist_ok=True)
    (results / f"budget-{args.tag}.md").write_text(table, encoding="utf-8")
    (results / f"budget-{args.tag}.json").write_text(json.dumps(rows, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
