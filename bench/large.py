"""One large document, and how the per-file steps scale with its size.

``bench/generate.py`` makes many small documents; a FRUS volume is one file
of 10 MB or more. This writes one valid document of about the size asked for
(the telegram's ``div`` repeated, each copy with its own ids and internal
pointers, beside a copy of ``tei/authority.xml``) and times, each as a
subprocess of the real command line, the steps whose cost could grow faster
than the file (CPU time, user + system: the wall clock of a shared machine
measures the other users too):

* ``validate``: the whole of ``teikit validate FILE`` (parse, RELAX NG,
  Schematron, references), and the Schematron step alone in process;
* ``build``: ``teikit build FILE`` of every format (html, text, cite; the
  search index, made by pagefind, is bench/search.py's), one job;
* ``lint``: ``teikit lint FILE``;
* ``diff``: ``teikit diff FILE COPY`` of two identical files, and of two that
  differ by two words far apart.

and the peak memory of each (the largest resident set, from ``wait4``). Every
command runs with ``--max-size`` above the file: the default limit is what fits
in 2 GB (docs/validation.md), and these figures are how it was chosen.

Time and memory per MB at each size show whether a step is linear: for a
linear step the 50 MB figure is about ten times the 5 MB one. Each command
also runs on the telegram alone (36 kB): what it costs whatever the size
(the interpreter, the imports, compiling the schemas and the stylesheet,
loading Saxon), which weighs on the 1 MB figure; the "above the fixed cost"
column takes it off (CPU s minus the telegram's, per MB). ``--before DIR``
runs every command a second time, right before this tree's, from another
source tree (a ``git archive`` of an earlier commit, run with this venv), so
that before and after come from one run on one machine load; ``--repeat N``
runs each command N times, the trees taking turns, and reports the median
CPU time and the largest peak (every sample is kept in the JSON). Generated
files go to ``bench/corpus/large/`` (gitignored), results to
``bench/results/large.md`` and ``large.json``.

    python bench/large.py --sizes 1,5,50 [--before DIR] [--repeat 3] [--steps build]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
TEMPLATE = ROOT / "tei" / "frus1961-63v11-d256.xml"
AUTHORITY = ROOT / "tei" / "authority.xml"
TEIKIT = Path(sys.executable).parent / "teikit"

_DIV = re.compile(r'(\s*<div type="document".*?\n      </div>\n)', re.S)
_ID = re.compile(r'xml:id="(d256[^"]*)"')
_LOCAL_POINTER = re.compile(r'(target|corresp|who|resp|ref)="#(d256[^"]*)"')


def large_document(megabytes: float) -> str:
    """The telegram with its body's ``div`` repeated until the text is about ``megabytes`` long."""
    text = TEMPLATE.read_text(encoding="utf-8")
    match = _DIV.search(text)
    if match is None:
        raise ValueError(f"{TEMPLATE}: no <div type=\"document\"> found")
    div = match[1]
    copies = max(1, round(megabytes * 1e6 / len(div.encode("utf-8"))))
    parts = [text[:match.start(1)]]
    for number in range(copies):
        suffix = f"x{number}"
        copy = _ID.sub(lambda m: f'xml:id="{m[1]}{suffix}"', div)
        copy = _LOCAL_POINTER.sub(lambda m: f'{m[1]}="#{m[2]}{suffix}"', copy)
        parts.append(copy)
    parts.append(text[match.end(1):])
    return "".join(parts)


def write_corpus(folder: Path, megabytes: float) -> Path:
    """``folder``/large.xml (about ``megabytes`` MB), the telegram and authority.xml beside it."""
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    shutil.copyfile(AUTHORITY, folder / AUTHORITY.name)
    shutil.copyfile(TEMPLATE, folder / TEMPLATE.name)
    path = folder / "large.xml"
    path.write_text(large_document(megabytes), encoding="utf-8")
    return path


def _timed(command: list[str], cwd: Path, env: dict | None = None) -> tuple[float, int, float]:
    """CPU seconds (user + system) of the command and the processes it waited for, its exit code, and
    its peak memory (MB: the largest resident set of the command or a process it waited for, from
    ``wait4``).

    CPU time, not wall time: on a shared machine the wall clock measures the
    other users as much as the command."""
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    return usage.ru_utime + usage.ru_stime, process.returncode, usage.ru_maxrss / 1024


def _schematron_seconds(path: Path) -> float:
    from toolkit import schematron
    from toolkit.paths import SCHEMATRON_RULES
    from toolkit.xmlio import parse_document

    rules = schematron.Rules(SCHEMATRON_RULES)
    document = parse_document(path)
    start = time.process_time()
    problems = rules.check(document)
    elapsed = time.process_time() - start
    if problems:
        raise RuntimeError(f"{path}: Schematron found {len(problems)} problems in a valid document")
    return elapsed


#: The trees measured: (label, the command line's first words, its environment); this tree last.
Tree = tuple[str, list[str], "dict | None"]


def trees(before: Path | None) -> list[Tree]:
    """This tree's ``teikit``, and first, with ``before``, that tree's toolkit run with this venv."""
    found: list[Tree] = []
    if before is not None:
        env = dict(os.environ, PYTHONPATH=str(before.resolve()))
        found.append((f"before ({before.name})", [sys.executable, "-m", "toolkit"], env))
    found.append(("after" if before is not None else "", [str(TEIKIT)], None))
    return found


#: The commands ``--steps`` chooses from.
STEPS = ("validate", "build", "lint", "diff")


def bench_size(megabytes: float, corpus: Path, measured: list[Tree], steps: tuple[str, ...] = STEPS,
               repeat: int = 1) -> list[dict]:
    """The commands ``steps`` on one document of about ``megabytes`` MB (0: the telegram alone, the fixed cost)."""
    folder = corpus / f"m{megabytes:g}"
    if megabytes:
        path = write_corpus(folder, megabytes)
    else:
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
        shutil.copyfile(AUTHORITY, folder / AUTHORITY.name)
        path = folder / "large.xml"
        shutil.copyfile(TEMPLATE, path)
    size = path.stat().st_size / 1e6
    copy = folder / "copy" / "large.xml"
    copy.parent.mkdir()
    shutil.copyfile(path, copy)
    edited = folder / "edited" / "large.xml"
    edited.parent.mkdir()
    text = path.read_text(encoding="utf-8")
    for fraction in (0.1, 0.9):  # far apart: what lies between must be aligned, not just trimmed
        word = text.index("the ", text.index("<p ", int(len(text) * fraction)))
        text = text[:word] + "teh " + text[word + 4:]
    edited.write_text(text, encoding="utf-8")
    rows = []
    # The default --max-size (docs/validation.md) is what fits in 2 GB; the bench measures beyond it.
    limit = ["--max-size", f"{max(64, int(size * 2))}M"]

    def add(tree: str, step: str, seconds: float, code: int | None, expected: int | None,
            peak: float | None = None, samples: list[tuple[float, float]] | None = None) -> None:
        row = {"size_mb": round(size, 2), "tree": tree, "step": step, "seconds": round(seconds, 3),
               "s_per_mb": round(seconds / size, 3), "peak_mb": round(peak) if peak is not None else None,
               "mb_per_mb": round(peak / size, 1) if peak is not None else None,
               "exit": code, "ok": code == expected}
        if samples is not None and len(samples) > 1:  # every run's (CPU s, peak MB); the row has the median CPU
            row["samples"] = [[round(cpu, 3), round(mb)] for cpu, mb in samples]
        rows.append(row)
        print(f"{size:7.2f} MB  {tree:12} {step:34} {seconds:8.2f} CPU s  {peak or 0:7.0f} MB  exit {code}",
              file=sys.stderr)

    def run(step: str, arguments: list[str], expected: int) -> None:
        if arguments[0] not in steps:
            return
        samples: dict[str, list[tuple[float, float]]] = {tree: [] for tree, _, _ in measured}
        codes: dict[str, int] = {}
        for _ in range(repeat):
            for tree, command, env in measured:  # one after the other, on the same load
                out = folder / "out"
                if out.exists():
                    shutil.rmtree(out)
                seconds, code, peak = _timed([*command, *arguments[:1], *limit, *arguments[1:]], folder, env)
                samples[tree].append((seconds, peak))
                codes[tree] = code if codes.get(tree, expected) == expected else codes[tree]
        for tree, _, _ in measured:
            taken = samples[tree]
            add(tree, step, statistics.median(cpu for cpu, _ in taken), codes[tree], expected,
                max(mb for _, mb in taken), taken)

    if megabytes and "validate" in steps:  # this tree's, in this process
        add(measured[-1][0], "schematron step (in process)", _schematron_seconds(path), 0, 0)
    run("teikit validate FILE", ["validate", "--jobs", "1", str(path)], 0)
    run("teikit build FILE (all formats)", ["build", "--jobs", "1", "--no-search", "--out", str(folder / "out"),
                                             str(path)], 0)
    run("teikit lint FILE", ["lint", str(path)], 0)
    run("teikit diff (identical)", ["diff", str(path), str(copy)], 0)
    run("teikit diff (two words changed)", ["diff", str(path), str(edited)], 1)
    return rows


def markdown(report: dict) -> str:
    lines = [
        "# Large documents",
        "",
        f"Run {report['when']} on {report['machine']} (a shared machine: timings are noisy; "
        "times are CPU seconds, user + system, of the command and the processes it waited for; peak "
        "memory is the largest resident set of one of them, from wait4; compare the per-MB columns "
        "across sizes: a linear step keeps them flat). Every command ran with --max-size raised "
        "above the file (the default is what fits in 2 GB, docs/validation.md). The smallest size is "
        "the telegram alone: the fixed cost; \"above the fixed cost\" is (CPU s - the telegram's) per MB."
        + (f" Before: {report['before']}, each command run right before this tree's." if report.get("before") else "")
        + (f" Each command ran {report['repeat']} times, the trees taking turns: CPU s is the median, peak the "
           "largest (every run in large.json)." if report.get("repeat", 1) > 1 else ""),
        "",
        "| size MB | tree | step | CPU s | CPU s per MB | CPU s per MB above the fixed cost | peak MB "
        "| peak MB per MB | peak growth per MB since the size before | exit | as expected |",
        "| ---: | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    previous: dict[tuple, dict] = {}
    fixed: dict[tuple, dict] = {}
    for row in report["rows"]:
        key = (row.get("tree", ""), row["step"])
        peak = "" if row.get("peak_mb") is None else row["peak_mb"]
        per = "" if row.get("mb_per_mb") is None else row["mb_per_mb"]
        before = previous.get(key)
        growth = (round((row["peak_mb"] - before["peak_mb"]) / (row["size_mb"] - before["size_mb"]), 1)
                  if before and row.get("peak_mb") is not None and before.get("peak_mb") is not None
                  and row["size_mb"] > before["size_mb"] else "")
        base = fixed.setdefault(key, row)  # the rows come smallest first: the first is the telegram's
        above = (round((row["seconds"] - base["seconds"]) / (row["size_mb"] - base["size_mb"]), 3)
                 if base is not row and base["size_mb"] < 0.1 < row["size_mb"] else "")  # the telegram: size 0.04
        previous[key] = row
        lines.append(f"| {row['size_mb']} | {row.get('tree', '')} | {row['step']} | {row['seconds']} | "
                     f"{row['s_per_mb']} | {above} | {peak} | {per} | {growth} | {row['exit']} | "
                     f"{'yes' if row['ok'] else 'NO'} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1,5,50", help="document sizes in MB, comma-separated (default 1,5,50); "
                        "the telegram alone (the fixed cost) is always measured first")
    parser.add_argument("--corpus", type=Path, default=BENCH / "corpus" / "large", help="where files go (gitignored)")
    parser.add_argument("--results", type=Path, default=BENCH / "results", help="where results go")
    parser.add_argument("--steps", default=",".join(STEPS),
                        help=f"the commands to run, comma-separated (default {','.join(STEPS)})")
    parser.add_argument("--before", type=Path, metavar="DIR",
                        help="another source tree (git archive of an earlier commit) to run, with this venv, "
                             "right before this tree's every command")
    parser.add_argument("--repeat", type=int, default=1, metavar="N",
                        help="run each command N times, the trees taking turns: the median CPU time, the largest "
                             "peak (default 1)")
    parser.add_argument("--add", type=Path, action="append", metavar="JSON",
                        help="add the rows of an earlier run's large.json (other sizes) to this report")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    measured = trees(args.before)
    steps = tuple(step.strip() for step in args.steps.split(",") if step.strip())
    if set(steps) - set(STEPS):
        parser.error(f"--steps: choose from {', '.join(STEPS)}")
    sizes = [float(s) for s in args.sizes.split(",") if s.strip()]
    rows = []
    for size in [0.0, *sizes] if sizes else []:  # no sizes: only the rows of --add, in one report
        rows += bench_size(size, args.corpus, measured, steps, max(1, args.repeat))
    for extra in args.add or []:  # rows of an earlier run of other sizes (one run of 50 MB takes long)
        rows += json.loads(extra.read_text(encoding="utf-8"))["rows"]
    rows.sort(key=lambda row: (row["size_mb"], STEPS.index(row["step"].split()[1]) if row["step"].startswith("teikit")
                               else -1))
    report = {"when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
              "machine": f"{os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}",
              "before": str(args.before) if args.before else None, "repeat": max(1, args.repeat), "rows": rows}
    args.results.mkdir(parents=True, exist_ok=True)
    (args.results / "large.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    (args.results / "large.md").write_text(markdown(report), encoding="utf-8")
    print(markdown(report))
    return 0 if all(row["ok"] for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
