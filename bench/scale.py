"""Build at series scale (issue 21): before and after, in one run, on the same files.

Runs every step with the toolkit at ``--after`` (default HEAD) and as it was
before issue 21 (``--before``), each a ``git archive`` in a scratch folder run
as ``python -m toolkit`` from there with the same venv, and reports wall time, CPU seconds (user + system of the command and its
workers), and the peak RSS of the command's own process and of its largest
worker (sampled from /proc, bench/run.py's ``run_once``):

* 1,000 generated documents (bench/generate.py): ``validate --jobs 2`` against
  Jing in one JVM, and ``build`` of every output into an empty folder;
* 10,000 generated documents (``--validate-10000``): validate against Jing;
* the FRUS volumes of ../shared/frus/ (three), a full build with every output;
* a library of those three volumes twice over (copies with new volume ids,
  written here under bench/corpus/scale/, never committed): a full build;
* a rebuild after one of the three volumes changed (a word of one paragraph),
  once for each volume: "after" keeps the two unchanged volumes, "before"
  builds all three again;
* ``--parts rebuild``: the rebuild ratios alone, before and after in one run,
  with the search index and without it (``--no-search``): for each toolkit, a
  full build of the three volumes, then each volume changed in turn and built
  again (measured), then put back and built again (not measured); the same
  without the search index. Give ``--before`` the toolkit to compare with
  (e.g. the commit before per-document reuse inside a volume).

The machine is shared: compare CPU seconds, and ratios within this run.

    python bench/scale.py                 # make bench-scale
    python bench/scale.py --validate-10000
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import run  # noqa: E402  bench/run.py: run_once, Measurement, machine()
from measure import write_bytecode  # noqa: E402

ROOT = run.ROOT
#: main when issue 21 was started: one pool that forks and one that spawns, three parses a document, no cache.
BEFORE = "53b4ac2"
TARGET_BUILD_RATE = 100.0
TARGET_JING_1000 = 1.5
TARGET_JING_10000 = 1.0
TARGET_LIBRARY_MBS = 1.0
TARGET_REBUILD = 1 / 3
TARGET_PEAK_MB = 300.0


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def before_tree(rev: str, scratch: Path) -> Path:
    """The toolkit as it was at ``rev``, in a scratch folder (with this checkout's .cache: tei_all)."""
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir(parents=True)
    archive = subprocess.run(["git", "archive", rev], cwd=ROOT, capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(scratch)], input=archive, check=True)
    if (ROOT / ".cache").is_dir():
        (scratch / ".cache").symlink_to(ROOT / ".cache")
    # The venv's editable install maps toolkit.xslt and toolkit.schemas to this checkout's folders:
    # the copy's own, found first as subfolders of its toolkit/, keep the copy whole.
    for folder in ("xslt", "schemas"):
        if (scratch / folder).is_dir() and not (scratch / "toolkit" / folder).exists():
            (scratch / "toolkit" / folder).symlink_to(Path("..") / folder)
    write_bytecode(scratch)  # both copies as installed (measure.write_bytecode)
    return scratch


def teikit(which: str, trees: dict[str, Path]) -> tuple[list[str], Path]:
    """The command line and working folder of the "before" or "after" toolkit."""
    return [str(run.VENV_BIN / "python"), "-m", "toolkit"], trees[which]


def measure(step: str, size: int, command: list[str], cwd: Path, megabytes: float,
            expect: tuple[int, ...] = (0, 1)) -> run.Measurement:
    _say(f"{step} ...")
    result = run.run_once(step, size, command, cwd=cwd, expect=expect)
    result.megabytes = megabytes
    _say(f"{step}: {result.wall:.2f} s wall, {result.cpu:.2f} s CPU, parent {result.parent_rss:.0f} MB, "
         f"largest worker {result.worker_rss:.0f} MB")
    return result


def library(source: Path, target: Path, copies: int) -> list[Path]:
    """The volumes of ``source``, ``copies`` times over: copy N gets the volume id ``ID-copyN``."""
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    written = []
    for volume in sorted(source.glob("*.xml")):
        data = volume.read_bytes()
        for number in range(1, copies + 1):
            if number == 1:
                path = target / volume.name
                path.write_bytes(data)
            else:
                path = target / f"{volume.stem}-copy{number}.xml"
                path.write_bytes(re.sub(rb'(<idno type="frus">)([^<]+)(</idno>)',
                                        lambda m: m.group(1) + m.group(2) + f"-copy{number}".encode() + m.group(3),
                                        data, count=1))
            written.append(path)
    return written


def change_one_word(path: Path) -> None:
    """Add a word to the first document's first paragraph (or head): a real correction, still valid."""
    text = path.read_text(encoding="utf-8")
    start = text.index('type="document"')
    found = re.compile(r"<p>|<head[^>]*>").search(text, start)
    at = found.end()
    path.write_text(text[:at] + "Corrected: " + text[at:], encoding="utf-8")


def _mb(paths: list[Path]) -> float:
    return sum(path.stat().st_size for path in paths) / 1e6


def bench(args: argparse.Namespace) -> dict:
    corpus = args.corpus / "scale"
    # Both toolkits are frozen copies: the checkout may change (a merge) while the benchmark runs.
    scratch = {"before": before_tree(args.before, corpus / "before-toolkit"),
               "after": before_tree(args.after, corpus / "after-toolkit")}
    jobs = str(args.jobs)
    runs: list[run.Measurement] = []

    from generate import generate  # bench/generate.py

    parts = set(args.parts.split(","))
    sizes = ([1000] + ([10000] if args.validate_10000 else [])) if {"docs", "validate"} & parts else []
    for size in sizes:
        folder = args.corpus / f"n{size}"
        generate(folder, size)
        files = sorted(folder.glob("*.xml"))
        megabytes = _mb(files)
        jing = ["java", "-jar", run.jing_jar(), str(run.SCHEMA)] + [str(path) for path in files]
        for round_number in range(args.repeat):
            for which in ("before", "after"):
                command, cwd = teikit(which, scratch)
                runs.append(measure(f"{which}: validate n={size}", size, command + ["validate", "--jobs", jobs,
                                                                                  str(folder)], cwd, megabytes))
            if shutil.which("java"):
                runs.append(measure(f"Jing (one JVM) n={size}", size, jing, ROOT, megabytes))
        if size == 1000 and "docs" in parts:
            for which in ("before", "after"):
                out = corpus / f"out-{which}-n{size}"
                shutil.rmtree(out, ignore_errors=True)
                command, cwd = teikit(which, scratch)
                runs.append(measure(f"{which}: build n={size} (all outputs)", size,
                                    command + ["build", "--jobs", jobs, "--out", str(out), str(folder)], cwd,
                                    megabytes))
                shutil.rmtree(out, ignore_errors=True)

    frus = run.frus_folder(args.frus) if "library" in parts else None
    if frus is None and "library" in parts:
        _say("FRUS volumes: ../shared/frus not found: library steps skipped")
    elif frus is not None:
        three = library(frus, corpus / "three", 1)
        six = library(frus, corpus / "six", 2)
        for which in ("after", "before"):
            command, cwd = teikit(which, scratch)
            # --no-validate first: "before" publishes only a valid volume (v06 of the three), "after" publishes
            # a volume with errors document by document; without validation both publish all of them.
            for checking in (["--no-validate"], []):
                label = " --no-validate" if checking else ""
                for name, volumes in (("3 volumes", three), ("6 volumes (3 twice over)", six)):
                    if args.quick and len(volumes) == 6 and (checking or which == "before"):
                        continue
                    out = corpus / f"out-{which}-{len(volumes)}"
                    shutil.rmtree(out, ignore_errors=True)
                    runs.append(measure(f"{which}: full build{label}, {name}", len(volumes),
                                        command + ["build", *checking, "--jobs", jobs, "--out", str(out),
                                                   str(volumes[0].parent)], cwd, _mb(volumes)))
            out = corpus / f"out-{which}-3"
            # "before" has no cache: a rebuild is a full build; measured once (not at all with --quick)
            for changed in (three if which == "after" else
                            [] if args.quick else [path for path in three if "v06" in path.name]):
                pristine = changed.read_bytes()
                change_one_word(changed)
                runs.append(measure(f"{which}: rebuild, {changed.stem} changed", len(three),
                                    command + ["build", "--jobs", jobs, "--out", str(out), str(three[0].parent)],
                                    cwd, _mb(three)))
                if not args.quick:  # put it back and build it (not measured); --quick: the changes add up
                    changed.write_bytes(pristine)
                    run.run_once("restore", 0, command + ["build", "--jobs", jobs, "--out", str(out),
                                                          str(three[0].parent)], cwd=cwd, expect=(0, 1))
            for changed in three:
                changed.write_bytes((frus / changed.name).read_bytes())
    if "rebuild" in parts:
        runs += rebuilds(args, scratch, corpus)
    return {"runs": runs}


def rebuilds(args: argparse.Namespace, scratch: dict[str, Path], corpus: Path) -> list[run.Measurement]:
    """A full build of the three volumes and a rebuild after each changed, before and after, with the search
    index and without it; each change is put back (and built, not measured) before the next."""
    frus = run.frus_folder(args.frus)
    if frus is None:
        _say("FRUS volumes: ../shared/frus not found: rebuild steps skipped")
        return []
    three = library(frus, corpus / "three-rebuild", 1)
    runs = []
    for search in ([], ["--no-search"]):
        suffix = ", --no-search" if search else ""
        for which in ("before", "after"):
            command, cwd = teikit(which, scratch)
            out = corpus / f"out-rebuild-{which}"
            shutil.rmtree(out, ignore_errors=True)
            build = command + ["build", *search, "--jobs", str(args.jobs), "--out", str(out), str(three[0].parent)]
            runs.append(measure(f"{which}: full build, 3 volumes{suffix}", len(three), build, cwd, _mb(three)))
            for changed in three:
                pristine = changed.read_bytes()
                change_one_word(changed)
                runs.append(measure(f"{which}: rebuild, {changed.stem} changed{suffix}", len(three), build, cwd,
                                    _mb(three)))
                changed.write_bytes(pristine)
                run.run_once("restore", 0, build, cwd=cwd, expect=(0, 1))
            shutil.rmtree(out, ignore_errors=True)
    return runs


def _find(runs: list[run.Measurement], step: str) -> run.Measurement | None:
    found = [m for m in runs if m.step == step]
    return min(found, key=lambda m: m.cpu) if found else None


def evaluate(runs: list[run.Measurement]) -> list[dict]:
    rows = []

    def add(name: str, limit: str, before: str, after: str, met: bool | None, note: str = "") -> None:
        rows.append({"target": name, "limit": limit, "before": before, "after": after, "met": met, "note": note})

    build = {w: _find(runs, f"{w}: build n=1000 (all outputs)") for w in ("before", "after")}
    if all(build.values()):
        rate = {w: 1000 / m.wall for w, m in build.items()}
        cpu_rate = {w: 1000 / m.cpu * 2 for w, m in build.items()}
        add("1,000 docs, all outputs", f">= {TARGET_BUILD_RATE:.0f} docs/s",
            f"{rate['before']:.0f} docs/s ({build['before'].cpu:.1f} CPU s)",
            f"{rate['after']:.0f} docs/s ({build['after'].cpu:.1f} CPU s)", rate["after"] >= TARGET_BUILD_RATE,
            f"with 2 cores to itself (1,000 / (CPU s / 2)): before {cpu_rate['before']:.0f}, "
            f"after {cpu_rate['after']:.0f} docs/s")
    for size, target in ((1000, TARGET_JING_1000), (10000, TARGET_JING_10000)):
        jing = _find(runs, f"Jing (one JVM) n={size}")
        teikit = {w: _find(runs, f"{w}: validate n={size}") for w in ("before", "after")}
        if jing and all(teikit.values()):
            wall = {w: jing.wall / m.wall for w, m in teikit.items()}
            cpu = {w: jing.cpu / m.cpu for w, m in teikit.items()}
            add(f"validate vs Jing, {size:,} docs", f">= {target}x", f"{wall['before']:.2f}x (CPU {cpu['before']:.2f}x)",
                f"{wall['after']:.2f}x (CPU {cpu['after']:.2f}x)", wall["after"] >= target,
                f"Jing {jing.wall:.2f} s wall, {jing.cpu:.2f} CPU s")
    for name in ("3 volumes", "6 volumes (3 twice over)",
                 " --no-validate, 3 volumes", " --no-validate, 6 volumes (3 twice over)"):
        name = name.lstrip(" ") if name.startswith(" --") else name
        step = f"full build {name}".replace("--no-validate, ", "--no-validate, ") if name.startswith("--") else f"full build, {name}"
        full = {w: _find(runs, f"{w}: {step}") for w in ("before", "after")}
        if all(full.values()):
            mbs = {w: m.megabytes / m.wall for w, m in full.items()}
            cpu_mbs = {w: m.megabytes / m.cpu * 2 for w, m in full.items()}
            add(f"{step}, every output", f">= {TARGET_LIBRARY_MBS} MB/s",
                f"{mbs['before']:.2f} MB/s ({full['before'].cpu:.1f} CPU s)",
                f"{mbs['after']:.2f} MB/s ({full['after'].cpu:.1f} CPU s)", mbs["after"] >= TARGET_LIBRARY_MBS,
                f"with 2 cores to itself (MB / (CPU s / 2)): before {cpu_mbs['before']:.2f}, "
                f"after {cpu_mbs['after']:.2f} MB/s")
            peak = {w: max(m.parent_rss, m.worker_rss) for w, m in full.items()}
            add(f"largest process, {step}", f"<= {TARGET_PEAK_MB:.0f} MB",
                f"{peak['before']:.0f} MB (parent {full['before'].parent_rss:.0f}, worker {full['before'].worker_rss:.0f})",
                f"{peak['after']:.0f} MB (parent {full['after'].parent_rss:.0f}, worker {full['after'].worker_rss:.0f})",
                peak["after"] <= TARGET_PEAK_MB)
    for step in sorted({m.step.split(": ", 1)[1] for m in runs if ": rebuild, " in m.step}):
        # each rebuild against the full build of its own run: with the search index or without (--no-search)
        suffix = ", --no-search" if step.endswith(", --no-search") else ""
        full = {w: _find(runs, f"{w}: full build, 3 volumes{suffix}") for w in ("before", "after")}
        rebuild = {w: _find(runs, f"{w}: {step}") for w in ("before", "after")}
        if rebuild["after"] and all(full.values()):
            if rebuild["before"] is None:  # no cache before: a rebuild is a full build
                rebuild["before"] = full["before"]
            ratio = {w: rebuild[w].cpu / full[w].cpu for w in ("before", "after")}
            wall = {w: rebuild[w].wall / full[w].wall for w in ("before", "after")}
            add(f"{step} (of 3)", f"<= {TARGET_REBUILD:.2f} of the full build",
                f"{ratio['before']:.2f} CPU ({wall['before']:.2f} wall)",
                f"{ratio['after']:.2f} CPU ({wall['after']:.2f} wall)", ratio["after"] <= TARGET_REBUILD,
                f"{rebuild['after'].cpu:.1f} of {full['after'].cpu:.1f} CPU s")
    return rows


def markdown(report: dict) -> str:
    lines = [f"# Build at series scale (issue 21): before ({report['before']}) and after ({report['commit']})", "",
             f"{report['date']}, {report['machine']['cpus']} CPUs ({report['machine']['cpu_model']}), "
             f"load {report['load_before']} at the start, {report['load_after']} at the end. "
             "CPU s: user + system of the command and its workers. The machine is shared: the wall "
             "times carry the other users' load; compare CPU seconds and ratios.", "",
             "| target | limit | before | after | met | note |", "| --- | --- | ---: | ---: | :---: | --- |"]
    for row in report["targets"]:
        met = {True: "yes", False: "**no**", None: "-"}[row["met"]]
        lines.append(f"| {row['target']} | {row['limit']} | {row['before']} | {row['after']} | {met} | {row['note']} |")
    lines += ["", "| step | wall s | CPU s | MB | MB/s (wall) | parent MB | largest worker MB | other load |",
              "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for m in report["runs"]:
        lines.append(f"| {m['step']} | {m['wall']:.2f} | {m['cpu']:.2f} | {m['megabytes']:.1f} | "
                     f"{m['megabytes_per_second']:.2f} | {m['parent_rss']:.0f} | {m['worker_rss']:.0f} | "
                     f"{m['background']:.2f} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--before", default=BEFORE, help=f"the revision to compare with (default {BEFORE})")
    parser.add_argument("--after", default="HEAD", help="the revision measured (default HEAD)")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=1, help="rounds of the validate and Jing runs")
    parser.add_argument("--validate-10000", action="store_true", help="also validate 10,000 documents")
    parser.add_argument("--parts", default="docs,library",
                        help="docs (generated documents: validate and build), validate (the same, validate only), "
                             "library (FRUS), rebuild (FRUS: the rebuild ratios, with and without the search index)")
    parser.add_argument("--quick", action="store_true",
                        help="library: the 6 volumes and the rebuilds measured with the new toolkit only, "
                             "each change kept for the next rebuild")
    parser.add_argument("--tag", default="", help="results in scale-TAG.json/.md")
    parser.add_argument("--frus", type=Path, help="folder of FRUS volumes (default: ../shared/frus)")
    parser.add_argument("--corpus", type=Path, default=run.BENCH / "corpus")
    parser.add_argument("--results", type=Path, default=run.BENCH / "results")
    args = parser.parse_args(argv)
    load_before = run._load()
    measured = bench(args)
    report = {"date": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
              "commit": subprocess.run(["git", "rev-parse", "--short", args.after], cwd=ROOT, capture_output=True,
                                       text=True).stdout.strip(),
              "before": args.before, "machine": run.machine(), "load_before": load_before, "load_after": run._load(),
              "runs": [m.as_dict() for m in measured["runs"]], "targets": evaluate(measured["runs"])}
    table = markdown(report)
    print(table)
    args.results.mkdir(parents=True, exist_ok=True)
    stem = "scale" + (f"-{args.tag}" if args.tag else "")
    (args.results / f"{stem}.json").write_text(json.dumps(report, indent=2) + "\n")
    (args.results / f"{stem}.md").write_text(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
