"""Validate against Jing (issue 21): before and after in one run, and the same verdicts.

Two jobs, both on the toolkit at ``--before`` and at ``--after`` (default
HEAD), each a ``git archive`` of that commit in a scratch folder (as
bench/scale.py does), both run in this repository's folder:

* **the same findings** (``--check``): a corpus of generated telegrams with
  known errors of every step (not well-formed, grammar, Schematron rules,
  pointers to nothing or to the wrong kind of record, an id used twice across
  files, an empty file, a binary one) plus the test fixtures, validated with
  ``--format json`` and as text, ``--jobs 1`` and ``--jobs 2``: the two
  toolkits' reports must be the same, byte for byte; any difference is printed
  and the script exits 1;
* **the timing**: ``validate --jobs 2`` of 1,000 (and, with ``--sizes``,
  10,000) generated telegrams, before, after and Jing (one JVM, the grammar
  alone) taking turns in each round (the order rotated from round to round),
  ``--rounds`` rounds, reported as medians: wall time, CPU seconds (user +
  system, the workers included) and the CPU seconds of the command's own
  process (the parent, which checks documents as one of the jobs and then
  settles the references between files and writes the report: on two cores
  to itself, the run takes at least that long). Ratios are teikit against
  Jing within each round, then the median.

The machine is shared: compare ratios and CPU seconds within one run, never
wall times of different runs. Results: ``results/validate-TAG.md`` and
``.json``.

    python bench/validate.py --check                      # make bench-validate runs both
    python bench/validate.py --sizes 1000,10000 --rounds 3
"""

from __future__ import annotations

import argparse
import datetime as dt
import difflib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import run  # noqa: E402  bench/run.py: jing_jar, machine, SCHEMA
from generate import generate  # noqa: E402
from scale import before_tree  # noqa: E402

ROOT = run.ROOT
PYTHON = str(run.VENV_BIN / "python")
#: The toolkit before this helper's work on validate (main at the start of the session of 2026-12-06 night).
BEFORE = "53427f7"

#: Runs the toolkit of the tree named by TEIKIT_BENCH_TREE as ``python -m toolkit`` does (in this
#: repository's folder for both toolkits: the same project file, the same paths in the reports), then
#: writes the CPU seconds of this process alone on stderr (not its workers': forked or spawned, they
#: leave with os._exit and never run atexit).
_OWN_CPU = """
import atexit, os, resource, runpy, sys
sys.path.insert(0, os.environ["TEIKIT_BENCH_TREE"])
def _own():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    os.write(2, ("\\nteikit-parent-cpu %.3f\\n" % (usage.ru_utime + usage.ru_stime)).encode())
atexit.register(_own)
sys.argv = ["teikit", *sys.argv[1:]]
runpy.run_module("toolkit", run_name="__main__", alter_sys=True)
"""


@dataclass
class Timing:
    which: str
    size: int
    wall: float
    cpu: float
    parent_cpu: float | None
    load: float


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def timed(command: list[str], tree: Path) -> tuple[float, float, float | None, str, str]:
    """Wall, CPU (the process and its children), the process's own CPU (when it says), stdout, stderr;
    teikit taken from ``tree``, run in this repository's folder."""
    environment = {**os.environ, "TEIKIT_BENCH_TREE": str(tree)}
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=ROOT, env=environment, stdout=out, stderr=err,
                                   stdin=subprocess.DEVNULL)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace")
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1) or "Traceback" in stderr:
        raise SystemExit(f"`{' '.join(command[:8])} ...` exited {code}:\n{stderr[-2000:]}")
    parent = None
    if "teikit-parent-cpu " in stderr:
        stderr, _, figure = stderr.rpartition("teikit-parent-cpu ")
        parent = float(figure.split()[0])
        stderr = stderr.rstrip("\n") + "\n" if stderr.strip() else ""
    return wall, usage.ru_utime + usage.ru_stime, parent, stdout, stderr


def teikit_command(*arguments: str) -> list[str]:
    return [PYTHON, "-c", _OWN_CPU, *arguments]


# ---------------------------------------------------------------------------
# The same findings
# ---------------------------------------------------------------------------

def error_corpus(folder: Path) -> Path:
    """60 generated telegrams, a dozen of them broken in known ways, and two files that are not XML."""
    paths = generate(folder, 60)
    texts = {path: path.read_text(encoding="utf-8") for path in paths}

    def edit(number: int, old: str, new: str, count: int = 1) -> None:
        path = paths[number]
        if old not in texts[path]:
            raise SystemExit(f"bench/validate.py: the template changed: {old!r} is not in {path.name}")
        texts[path] = texts[path].replace(old, new, count)

    first_id = paths[1].stem  # the TEI/@xml:id of the second document, used again in the third
    edit(2, f'xml:id="{paths[2].stem}"', f'xml:id="{first_id}"')  # id-unique across files
    edit(3, 'ref="authority.xml#mccloy"', 'ref="authority.xml#mcloy"')  # no such record (a suggestion)
    edit(4, 'ref="authority.xml#mccloy"', 'ref="authority.xml#new-york"')  # the wrong kind of record
    edit(5, "<dateline>", "<dateline><unknownElement/>")  # the grammar
    edit(6, 'when="1962-12-23T14:00:00-05:00">December', 'when="1962-02-30">December')  # date-calendar
    edit(7, ">McCloy</persName>", "> </persName>")  # name-not-empty
    edit(8, 'ref="authority.xml#yost"', 'ref="#nowhere"')  # a pointer into the document, to nothing
    edit(9, 'ref="authority.xml#yost"', 'ref="missing.xml#yost"')  # a file that is not there
    edit(10, "</TEI>", "")  # not well-formed
    edit(11, 'ref="authority.xml#yost"', 'ref="authority.xml"')  # a bare file where a record is due
    edit(12, 'ref="authority.xml#yost"', 'ref="https://history.state.gov/nothing"')  # external: not followed
    edit(13, '<date when="1962-12-23T14:00:00-05:00"/>', '<date notBefore="1962-12-24" notAfter="1962-12-23"/>')
    for path, text in texts.items():
        path.write_text(text, encoding="utf-8")
    (folder / "empty.xml").write_bytes(b"")
    (folder / "binary.xml").write_bytes(b"\x00\x01\x02 not XML")
    return folder


def check_same(before: Path, after: Path, corpus: Path) -> int:
    """Validate the error corpus and the test fixtures with both toolkits; 0 when every report is the same."""
    different = 0
    targets = [corpus, ROOT / "tests" / "fixtures"]
    for target in targets:
        for options in (["--format", "json", "--jobs", "1"], ["--format", "json", "--jobs", "2"],
                        ["--jobs", "1"], ["--jobs", "2"]):
            reports = {}
            for which, cwd in (("before", before), ("after", after)):
                _, _, _, stdout, stderr = timed(teikit_command("validate", *options, str(target)), cwd)
                reports[which] = stdout + stderr
            label = f"validate {' '.join(options)} {target.relative_to(ROOT)}"
            if reports["before"] == reports["after"]:
                lines = reports["after"].count("\n")
                _say(f"same: {label} ({lines} lines, {reports['after'].count('error')} 'error')")
            else:
                different += 1
                _say(f"DIFFERENT: {label}")
                sys.stderr.writelines(difflib.unified_diff(reports["before"].splitlines(True),
                                                           reports["after"].splitlines(True), "before", "after", n=1))
    return 1 if different else 0


# ---------------------------------------------------------------------------
# The timing
# ---------------------------------------------------------------------------

def time_rounds(before: Path, after: Path, sizes: list[int], rounds: int) -> list[Timing]:
    timings: list[Timing] = []
    jing_jar = run.jing_jar() if shutil.which("java") else None
    for size in sizes:
        folder = ROOT / "bench" / "corpus" / f"n{size}"
        if not folder.is_dir() or len(list(folder.glob("*.xml"))) != size + 1:
            generate(folder, size)
        files = sorted(str(path) for path in folder.glob("*.xml"))
        commands = {"before": (teikit_command("validate", "--jobs", "2", str(folder)), before),
                    "after": (teikit_command("validate", "--jobs", "2", str(folder)), after)}
        if jing_jar:
            commands["Jing"] = (["java", "-jar", jing_jar, str(run.SCHEMA), *files], ROOT)
        order = list(commands)
        for number in range(rounds):
            for which in order[number % len(order):] + order[:number % len(order)]:
                command, cwd = commands[which]
                load = os.getloadavg()[0]
                wall, cpu, parent, _, _ = timed(command, cwd)
                timings.append(Timing(which, size, wall, cpu, parent, load))
                own = f", parent {parent:.2f} CPU s" if parent is not None else ""
                _say(f"n={size} round {number + 1} {which}: {wall:.2f} s wall, {cpu:.2f} CPU s{own} (load {load:.1f})")
    return timings


def table(timings: list[Timing], before: str, after: str) -> str:
    rows = ["| documents | toolkit | wall s (median) | CPU s (median) | parent's own CPU s | vs Jing: wall "
            "| vs Jing: CPU | rounds | load |",
            "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for size in sorted({t.size for t in timings}):
        mine = [t for t in timings if t.size == size]
        jing = [t for t in mine if t.which == "Jing"]
        for which, label in (("before", f"before ({before})"), ("after", f"after ({after})"), ("Jing", "Jing")):
            runs = [t for t in mine if t.which == which]
            if not runs:
                continue
            wall, cpu = statistics.median(t.wall for t in runs), statistics.median(t.cpu for t in runs)
            parents = [t.parent_cpu for t in runs if t.parent_cpu is not None]
            parent = f"{statistics.median(parents):.2f}" if parents else "-"
            ratios = ("-", "-")
            if jing and which != "Jing":
                # Round by round (each teikit run against the Jing run of its round), then the median.
                pairs = list(zip(runs, jing))
                ratios = (f"{statistics.median(j.wall / t.wall for t, j in pairs):.2f}x",
                          f"{statistics.median(j.cpu / t.cpu for t, j in pairs):.2f}x")
            loads = [t.load for t in runs]
            rows.append(f"| {size:,} | {label} | {wall:.2f} | {cpu:.2f} | {parent} | {ratios[0]} | {ratios[1]} "
                        f"| {len(runs)} | {min(loads):.1f}-{max(loads):.1f} |")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--before", default=BEFORE, help=f"the commit to compare with (default {BEFORE})")
    parser.add_argument("--after", default="HEAD", help="the commit measured against it (default HEAD; a frozen copy)")
    parser.add_argument("--sizes", default="1000", help="numbers of documents, comma-separated (1000,10000)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of before, after and Jing taking turns")
    parser.add_argument("--check", action="store_true", help="only check that both give the same findings")
    parser.add_argument("--tag", default="", help="suffix of the results files")
    args = parser.parse_args(argv)
    # A folder of its own for each job: a --check run must not replace the toolkits a timing run is using.
    job = "check" if args.check else f"timing{'-' + args.tag if args.tag else ''}"
    scratch = ROOT / "bench" / "corpus" / "validate" / job
    # Both toolkits are frozen copies (git archive): the checkout may change while the benchmark runs.
    before = before_tree(args.before, scratch / "before-toolkit")
    after_tree = before_tree(args.after, scratch / "after-toolkit")
    if args.check:
        return check_same(before, after_tree, error_corpus(scratch / "errors"))
    after = subprocess.run(["git", "rev-parse", "--short", args.after], cwd=ROOT, capture_output=True,
                           text=True).stdout.strip()
    timings = time_rounds(before, after_tree, [int(size) for size in args.sizes.split(",")], args.rounds)
    text = table(timings, args.before, after)
    print(text)
    name = f"validate{'-' + args.tag if args.tag else ''}"
    results = ROOT / "bench" / "results"
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    (results / f"{name}.md").write_text(f"# Validate against Jing, {stamp}\n\n`python bench/validate.py "
                                        f"{' '.join(argv if argv is not None else sys.argv[1:])}`\n\n{text}\n",
                                        encoding="utf-8")
    (results / f"{name}.json").write_text(json.dumps({"when": stamp, "before": args.before, "after": after,
                                                      "machine": run.machine(),
                                                      "runs": [asdict(t) for t in timings]}, indent=1) + "\n",
                                          encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
