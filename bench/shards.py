"""The search index sharded by input (issues 21 and 18): Pagefind's memory and CPU, before and after, in one run.

Runs ``teikit build`` of the edition (``tei/``) with the FRUS volumes of
../shared/frus/ (three) and with those volumes twice over (six: copies with
new volume ids, bench/scale.py's ``library``), each with the toolkit as it was
before the index was sharded (``--before``, one Pagefind service for every
page) and as it is (``--after``): ``git archive`` copies run with this venv.
Every Pagefind process a build starts is measured on its own: the build is
given a stand-in for the Pagefind binary (``PAGEFIND_BINARY_PATH``, a small
Python script written here) that runs the real one and writes its peak RSS
(``ru_maxrss``) and CPU seconds (user + system) when it ends. So the figures
are Pagefind's alone, not the Saxon workers' (the largest process of the
build as a whole is reported beside them).

Steps, each measured the same way for before and after:

* a full build (``--no-validate``: every document published and indexed)
  of 3 and of 6 volumes with the edition: CPU seconds of the build, of its
  Pagefind processes, their number and the largest one's peak RSS;
* a rebuild after one volume changed (a word of its first document, volume VI
  of the three): the same, and the search index's part of the build;
* the after toolkit once more with ``RAYON_NUM_THREADS=1`` and
  ``TOKIO_WORKER_THREADS=1`` in the build's environment (what Pagefind's
  service inherits): whether one thread a service costs less CPU on this
  2-core machine;
* the size of each index against the text it indexes, and query times in
  headless Chromium over loopback (bench/search.py's ``queries``) on the
  six-volume site of each: the first query of a fresh browser context, later
  queries, and the first on the search page; targets 300 ms and 100 ms.

Results: bench/results/shards.md and .json. The machine is shared: compare CPU
seconds and ratios within the run, not wall times across runs.

    python bench/shards.py [--before 620fbe4] [--after HEAD] [--skip-queries]
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import json
import os
import re
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import run  # noqa: E402  bench/run.py: run_once, machine()
import scale  # noqa: E402  bench/scale.py: before_tree, library, change_one_word
from measure import write_bytecode  # noqa: E402

ROOT = run.ROOT
BEFORE = "620fbe4"
TARGET_PEAK_MB = 300.0
TARGET_REBUILD = 1 / 3

#: The stand-in for Pagefind's binary: runs the real one, passes SIGTERM on (the Python API stops the
#: service so) and appends "peak-KiB cpu-seconds" to the file named by $SHARDS_BENCH_LOG when it ends.
METER = '''#!{python}
import os, signal, sys
child = os.fork()
if child == 0:
    os.execv({binary!r}, [{binary!r}] + sys.argv[1:])
signal.signal(signal.SIGTERM, lambda number, frame: os.kill(child, signal.SIGTERM))
while True:
    try:
        _, status, usage = os.wait4(child, 0)
        break
    except InterruptedError:
        continue
with open(os.environ["SHARDS_BENCH_LOG"], "a") as log:
    log.write(f"{{usage.ru_maxrss}} {{usage.ru_utime + usage.ru_stime:.3f}}\\n")
sys.exit(os.waitstatus_to_exitcode(status) if os.WIFEXITED(status) else 0)
'''


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def meter(folder: Path) -> Path:
    from pagefind.service import get_executable

    binary = get_executable()
    if binary is None:
        raise SystemExit("the pagefind binary is not installed: run `make setup`")
    path = folder / "pagefind-meter"
    path.write_text(METER.format(python=sys.executable, binary=str(binary)), encoding="utf-8")
    path.chmod(0o755)
    return path


def build(which: str, tree: Path, out: Path, inputs: list[Path], meter_path: Path, log: Path, jobs: int,
          threads: int | None = None) -> dict:
    """One ``teikit build`` measured: the build's CPU and largest process, and its Pagefind processes'."""
    log.write_text("")
    env = {**os.environ, "PAGEFIND_BINARY_PATH": str(meter_path), "SHARDS_BENCH_LOG": str(log)}
    if threads:
        env.update(RAYON_NUM_THREADS=str(threads), TOKIO_WORKER_THREADS=str(threads))
    command = [sys.executable, "-m", "toolkit", "build", "--no-validate", "--jobs", str(jobs), "--out", str(out),
               *map(str, inputs)]
    measured = run.run_once(which, len(inputs), command, cwd=tree, env=env, expect=(0, 1))
    runs = [line.split() for line in log.read_text().splitlines() if line.strip()]
    peaks = [int(kib) / 1024 for kib, _ in runs]
    return {"cpu": measured.cpu, "wall": measured.wall, "largest_process_mb": measured.largest_process,
            "pagefind_runs": len(runs), "pagefind_peak_mb": max(peaks, default=0.0),
            "pagefind_cpu": sum(float(cpu) for _, cpu in runs)}


def sizes(site: Path) -> dict:
    """The index's data (every shard's fragments, word index, filters, metadata, dates) against the UTF-8
    text Pagefind read from the pages (the ``content`` of every fragment); its fixed files (scripts,
    styles, WebAssembly: Pagefind's, and each shard's WebAssembly) apart."""
    index = site / "html" / "pagefind"
    text = pages = data = fixed = 0
    for path in index.rglob("*"):
        if not path.is_file():
            continue
        if path.parent.name == "fragment":
            record = json.loads(gzip.decompress(path.read_bytes())[len(b"pagefind_dcd"):])
            text += len(record["content"].encode("utf-8"))
            pages += 1
        if path.suffix in (".css",) or (path.suffix == ".js" and path.name != "dates.js") or path.name.startswith("wasm."):
            fixed += path.stat().st_size
        else:
            data += path.stat().st_size
    return {"pages": pages, "text_bytes": text, "index_bytes": data, "fixed_bytes": fixed,
            "ratio": data / text if text else 0.0, "shards": 1 + len(list(index.glob("shards/*/")))}


def bench(args: argparse.Namespace) -> dict:
    corpus = args.corpus / "shards"
    corpus.mkdir(parents=True, exist_ok=True)
    trees = {"before": scale.before_tree(args.before, corpus / "before-toolkit"),
             "after": scale.before_tree(args.after, corpus / "after-toolkit")}
    for tree in trees.values():
        write_bytecode(tree)
    frus = run.frus_folder(args.frus)
    if frus is None:
        raise SystemExit("FRUS volumes: ../shared/frus not found")
    libraries = {3: scale.library(frus, corpus / "three", 1), 6: scale.library(frus, corpus / "six", 2)}
    meter_path, log = meter(corpus), corpus / "pagefind-runs.txt"
    edition = trees["after"] / "tei"
    report: dict = {"before": args.before, "after": args.after, "machine": run.machine(),
                    "date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"), "steps": []}
    variants = [("before", "before", None), ("after", "after", None), ("after, 1 thread", "after", 1)]
    for volumes, inputs in libraries.items():
        for label, which, threads in variants:
            out = corpus / f"out-{label.replace(', ', '-').replace(' ', '')}-{volumes}"
            shutil.rmtree(out, ignore_errors=True)
            _say(f"{label}: full build, {volumes} volumes")
            step = build(label, trees[which], out, [edition, *inputs], meter_path, log, args.jobs, threads)
            step.update(step=f"full build, {volumes} volumes", variant=label, volumes=volumes)
            report["steps"].append(step)
            if volumes == 3:
                changed = next(path for path in inputs if "v06" in path.name)
                pristine = changed.read_bytes()
                scale.change_one_word(changed)
                _say(f"{label}: rebuild, {changed.stem} changed")
                step = build(label, trees[which], out, [edition, *inputs], meter_path, log, args.jobs, threads)
                step.update(step=f"rebuild, {changed.stem} changed", variant=label, volumes=volumes)
                report["steps"].append(step)
                changed.write_bytes(pristine)
            if volumes == 6 and threads is None:
                report.setdefault("sizes", {})[label] = sizes(out)
                if not args.skip_queries:
                    _say(f"{label}: queries, {volumes} volumes")
                    report.setdefault("queries", {})[label] = queries(out, args.repeat)
            if not (volumes == 6 and threads is None):
                shutil.rmtree(out, ignore_errors=True)
    return report


def replicate(site: Path, target: Path, shards: int) -> Path:
    """A copy of ``site``'s search page and index whose volume shards are repeated (links to the same
    folders under other names, listed in shards.js) until it has ``shards`` shards: what a first query
    costs as the number of shards grows, the words and pages being the same."""
    shutil.rmtree(target, ignore_errors=True)
    (target / "html").mkdir(parents=True)
    for path in (site / "html").iterdir():
        if path.is_file():
            shutil.copy2(path, target / "html" / path.name)
    shutil.copytree(site / "html" / "search", target / "html" / "search")
    shutil.copytree(site / "html" / "pagefind", target / "html" / "pagefind", symlinks=True)
    module = target / "html" / "pagefind" / "shards.js"
    prefix = "export const shards = "
    lines = module.read_text(encoding="utf-8").splitlines()
    at = next(number for number, line in enumerate(lines) if line.startswith(prefix))
    listed = json.loads(lines[at][len(prefix):].rstrip(";"))
    volumes, copy = listed[1:], 0
    while len(listed) < shards:
        copy += 1
        for shard in volumes[:shards - len(listed)]:
            name = f"{shard['name']}-c{copy}"
            (target / "html" / "pagefind" / "shards" / name).symlink_to(site / "html" / "pagefind" / shard["path"])
            listed.append({**shard, "name": name, "path": f"shards/{name}/"})
    lines[at] = prefix + json.dumps(listed) + ";"
    module.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return target


def scaling(site: Path, counts: list[int], repeat: int) -> dict:
    """Query times over copies of ``site`` with ``counts`` shards (:func:`replicate`)."""
    found = {}
    for count in counts:
        _say(f"queries over {count} shards")
        copy = replicate(site, site.parent / f"{site.name}-x{count}", count)
        found[count] = queries(copy, repeat)
        shutil.rmtree(copy, ignore_errors=True)
    return found


def queries(site: Path, repeat: int) -> dict:
    import search  # bench/search.py

    return search.queries(repeat, site)


def markdown(report: dict) -> str:
    lines = [f"## The search index sharded by input: before ({report['before']}) and after ({report['after']})",
             "", f"{report['date']}; {report['machine']}; `python bench/shards.py` (bench/shards.py). CPU seconds "
             "(user + system); Pagefind's figures are its processes' own (a stand-in binary measures each).", "",
             "| step | toolkit | build CPU s | Pagefind runs | Pagefind CPU s | Pagefind peak MB | largest process MB |",
             "| --- | --- | ---: | ---: | ---: | ---: | ---: |"]
    for step in report["steps"]:
        lines.append(f"| {step['step']} | {step['variant']} | {step['cpu']:.1f} | {step['pagefind_runs']} | "
                     f"{step['pagefind_cpu']:.2f} | {step['pagefind_peak_mb']:.0f} | {step['largest_process_mb']:.0f} |")
    full = {(s["variant"], s["volumes"]): s for s in report["steps"] if s["step"].startswith("full")}
    rebuilt = {s["variant"]: s for s in report["steps"] if s["step"].startswith("rebuild")}
    lines.append("")
    for variant in ("before", "after", "after, 1 thread"):
        if (variant, 3) in full and variant in rebuilt:
            lines.append(f"- {variant}: rebuild after one of three volumes changed / full build of 3: "
                         f"{rebuilt[variant]['cpu'] / full[(variant, 3)]['cpu']:.2f} (build CPU), Pagefind "
                         f"{rebuilt[variant]['pagefind_cpu']:.2f} of {full[(variant, 3)]['pagefind_cpu']:.2f} CPU s "
                         f"(target: the rebuild at most {TARGET_REBUILD:.2f} of the full build)")
    for variant in ("before", "after"):
        if (variant, 3) in full and (variant, 6) in full:
            lines.append(f"- {variant}: Pagefind's peak, 3 -> 6 volumes: {full[(variant, 3)]['pagefind_peak_mb']:.0f} -> "
                         f"{full[(variant, 6)]['pagefind_peak_mb']:.0f} MB (target at most {TARGET_PEAK_MB:.0f} MB, "
                         "not growing with the volumes)")
    if report.get("sizes"):
        lines += ["", "| index (6 volumes) | shards | pages | text MB | index data MB | ratio | fixed files MB |",
                  "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
        for variant, size in report["sizes"].items():
            lines.append(f"| {variant} | {size['shards']} | {size['pages']} | {size['text_bytes'] / 1e6:.2f} | "
                         f"{size['index_bytes'] / 1e6:.2f} | {size['ratio']:.2f} | {size['fixed_bytes'] / 1e6:.2f} |")
    if report.get("scaling"):
        lines += ["", "| shards (the 6-volume index's volumes repeated), ms | first (API) | first, slowest | later, median | "
                  "later, slowest | first on the search page | page ready |", "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
        for count, query in report["scaling"].items():
            lines.append(_query_row(count, query))
    if report.get("queries"):
        lines += ["", "| queries (6 volumes), ms | first (API) | first, slowest | later, median | later, slowest | "
                  "first on the search page | page ready |", "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
        for variant, query in report["queries"].items():
            if "skipped" in query:
                lines.append(f"| {variant} | {query['skipped']} |")
                continue
            lines.append(_query_row(variant, query))
    return "\n".join(lines) + "\n"


def _query_row(label: object, query: dict) -> str:
    """One row of a query-times table: first (API) median and slowest, later median and slowest, the
    search page's first query and its readiness, in ms."""
    times = ("first_ms", "first_max_ms", "later_ms", "later_max_ms", "page_first_ms", "page_ready_ms")
    return f"| {label} | " + " | ".join(f"{query[name]:.0f}" for name in times) + " |"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--before", default=BEFORE, help=f"the revision before (default {BEFORE})")
    parser.add_argument("--after", default="HEAD", help="the revision measured (default HEAD)")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3, help="fresh browser contexts of the query times")
    parser.add_argument("--skip-queries", action="store_true")
    parser.add_argument("--scaling", metavar="SITE", type=Path,
                        help="only the query times over a built site's index with its volume shards repeated "
                             "(--shard-counts); results in shards-scaling.md/.json")
    parser.add_argument("--shard-counts", default="7,28,112,224")
    parser.add_argument("--frus", type=Path, help="folder of FRUS volumes (default: ../shared/frus)")
    parser.add_argument("--corpus", type=Path, default=run.BENCH / "corpus")
    parser.add_argument("--results", type=Path, default=run.BENCH / "results")
    args = parser.parse_args(argv)
    args.results.mkdir(parents=True, exist_ok=True)
    if args.scaling:
        counts = [int(count) for count in args.shard_counts.split(",")]
        report = {"before": "-", "after": str(args.scaling), "machine": run.machine(), "steps": [],
                  "date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
                  "scaling": scaling(args.scaling.resolve(), counts, args.repeat)}
        (args.results / "shards-scaling.json").write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
        text = markdown(report)
        (args.results / "shards-scaling.md").write_text(text, encoding="utf-8")
        print(text)
        return 0
    report = bench(args)
    args.results.mkdir(parents=True, exist_ok=True)
    (args.results / "shards.json").write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    text = markdown(report)
    (args.results / "shards.md").write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
