"""What the registers, the chronology and the search index add to a full build of a library.

Builds the edition (``tei/``) with every volume of ``../shared/frus/`` (skipped
with a line when that folder is absent) into ``bench/corpus/library-site/``
(gitignored), ``--no-validate`` (every document published, as bench/search.py
does; ``--validate``: as ``teikit build`` does by default), all outputs, three ways:

* **bare**: without registers, chronology or search index: ``--no-search``,
  and ``t:library-record`` returning an empty record (a copy of
  xslt/library.xsl in bench/corpus/, registered in place of the html format's
  module, in the parent and so in every worker), so that no name is collected
  and the site-wide pages are empty;
* **registers**: ``--no-search``, the registers and the chronology as
  ``teikit build`` makes them (each page's record made by its transformation,
  xslt/library.xsl; merged, and the pages, JSON and report written, by
  toolkit/library.py);
* **full**: ``teikit build`` as it is: registers, chronology and the search index;
  its Pagefind services are started through bench/pagefind_cpu.py, which writes
  down the CPU seconds of the Pagefind binary apart (:class:`PagefindMeter`).

Subprocesses, the three in turn, best of ``--repeat`` rounds; wall and CPU
seconds (user + system of the command and every process it waited for, the
workers and Pagefind included). The target (issue 18): search, registers and
chronology together add at most 25 % to the bare build. ``--tree DIR``
measures another source tree (a ``git archive`` of an earlier commit) with this
venv; given twice (``--tree BEFORE --tree AFTER``), both are measured in one
run, their builds taking turns in every round, so that the load of other work
on a shared machine falls on both alike. Also: the register entries, merges and
near misses the report counts. Results: bench/results/library.md and
library.json (``--tree``: library-TREE.md / .json, TREE the folder's name;
``--validate``, ``--jobs N``: -validated, -jobsN added to the name). On a
shared machine, ``--jobs 1`` (every document in the command's own process, one
at a time) gives the steadiest CPU seconds: no workers competing for the cores.

Every round's CPU seconds are kept: the results give the best and the median of each variant, and the
median of each round's own ratio (full / bare of the same round, the two builds minutes apart).

``--instructions`` counts instead the instructions each variant executes (valgrind's cachegrind,
``--cache-sim=no``, ``--trace-children=yes``: the command, its workers and every Pagefind service), once
each: a count the load of other work does not change (the same tree counted twice differs by less than
0.1 %), where CPU seconds on a shared machine move by +-25 % between two builds of one tree. The three
variants run at once (``--parallel``), each into a site of its own. Valgrind's own messages go to files
(``--log-file``): Pagefind's Python API reads the service's stderr as its answers, and a valgrind banner
there left the service waiting for ever. ``PYTHONHASHSEED=0`` makes the counts repeatable. Results:
library-instructions.md / .json (``--tree``: library-instructions-TREE). Under valgrind a build of the
edition and the three volumes takes some 20 to 40 CPU minutes.

    python bench/library.py [--repeat 2] [--tree DIR [--tree DIR]] [--validate] [--jobs N]
    python bench/library.py --instructions [--jobs 1] [--tree DIR] [--parallel 3]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
from measure import SHARED, own_package_data, run  # noqa: E402  (bench/measure.py: what the benchmarks share)
CORPUS = ROOT / "bench" / "corpus"
SITE = CORPUS / "library-site"
RESULTS = ROOT / "bench" / "results"
TARGET = 0.25

# Run in the subprocess: the html format with library.xsl's record made empty, then the command line.
WITHOUT = """
import sys
from pathlib import Path
from toolkit import cli, formats
from toolkit.paths import XSLT_DIR
html = formats.get("html")
empty = Path(sys.argv[1])
formats.register(formats.Format(html.name, html.description,
                                tuple(empty if module.name == "library.xsl" else module for module in html.modules),
                                html.function, html.binary, html.assemble))
sys.exit(cli.main(sys.argv[2:]))
"""
VARIANTS = ("bare", "registers", "full")


def empty_library_module(tree: Path) -> Path:
    """A copy of the tree's xslt/library.xsl whose t:library-record returns an empty <t:record/>."""
    text = (tree / "xslt" / "library.xsl").read_text(encoding="utf-8")
    start = text.index('<xsl:function name="t:library-record"')
    end = text.index("</xsl:function>", start) + len("</xsl:function>")
    replacement = ('<xsl:function name="t:library-record" as="element(t:record)">\n'
                   '    <xsl:param name="root" as="document-node()"/>\n'
                   '    <xsl:param name="card" as="element(t:card)"/>\n'
                   '    <t:record/>\n  </xsl:function>')
    target = CORPUS / f"library-off-{tree.name}" / "library.xsl"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text[:start] + replacement + text[end:], encoding="utf-8")
    return target


def command(variant: str, inputs: list[Path], module: Path, validate: bool, jobs: int | None = None,
            site: Path = SITE) -> list[str]:
    arguments = ["build", *([] if validate else ["--no-validate"]), *(["--jobs", str(jobs)] if jobs else []),
                 "--out", str(site), *map(str, inputs)]
    if variant != "full":
        arguments.insert(1, "--no-search")
    if variant == "bare":
        return [sys.executable, "-c", WITHOUT, str(module), *arguments]
    return [sys.executable, "-m", "toolkit", *arguments]


def measure(inputs: list[Path], trees: list[Path], repeat: int, validate: bool, jobs: int | None,
            each_round=None) -> dict:
    """Best wall and CPU seconds of each variant of each tree; in each round every tree's variants in turn,
    so that a change in the machine's load falls on before and after alike. Also what each tree's registers
    hold (:func:`counts`, after its registers build). ``each_round`` is given what is measured so far after
    every round (the results are written then: a run stopped half way still leaves its rounds)."""
    modules = {tree: empty_library_module(tree) for tree in trees}
    best = {tree: {variant: {"wall": float("inf"), "cpu": float("inf")} for variant in VARIANTS} for tree in trees}
    rounds: dict[Path, list[dict[str, float]]] = {tree: [] for tree in trees}
    found = {}
    for _ in range(repeat):
        for tree in trees:
            this_round = {}
            for variant in VARIANTS:
                shutil.rmtree(SITE, ignore_errors=True)
                meter = PagefindMeter() if variant == "full" else None
                wall, cpu, stderr = run(command(variant, inputs, modules[tree], validate, jobs), cwd=tree,
                                        env=meter.env if meter else None)
                if meter:  # the meter's own Python is no part of the build
                    this_round["pagefind"], metering = meter.seconds()
                    cpu -= metering
                best[tree][variant] = {"wall": min(best[tree][variant]["wall"], wall),
                                       "cpu": min(best[tree][variant]["cpu"], cpu),
                                       "summary": stderr.strip().splitlines()[-1]}
                this_round[variant] = cpu
                print(f"bench/library.py: {tree.name} {variant}: {cpu:.2f} CPU s, {wall:.1f} s wall",
                      file=sys.stderr, flush=True)
                if variant == "registers":
                    found[tree] = counts()
            rounds[tree].append(this_round)
        so_far = {tree: {"times": best[tree], "rounds": rounds[tree], "medians": medians(rounds[tree]),
                         "registers": found[tree]} for tree in trees}
        if each_round is not None:
            each_round(so_far)
    return so_far


class PagefindMeter:
    """The CPU seconds of the Pagefind binary in a build, apart from the build's: the build's Pagefind services
    are started through bench/pagefind_cpu.py (``env``: Pagefind's Python API starts what
    ``PAGEFIND_BINARY_PATH`` names), which writes down what each used; :meth:`seconds` adds them up."""

    def __init__(self) -> None:
        folder = CORPUS / "pagefind-meter"
        folder.mkdir(parents=True, exist_ok=True)
        launcher = folder / "pagefind"  # the API runs it as a program: a script with this Python's #!
        launcher.write_text(f"#!{sys.executable}\nimport runpy\n"
                            f"runpy.run_path({str(ROOT / 'bench' / 'pagefind_cpu.py')!r}, run_name='__main__')\n",
                            encoding="utf-8")
        launcher.chmod(0o755)
        self.log = folder / "cpu.log"
        self.log.unlink(missing_ok=True)
        self.env = {"PAGEFIND_BINARY_PATH": str(launcher), "PAGEFIND_CPU_LOG": str(self.log)}

    def seconds(self) -> tuple[float, float]:
        """The CPU seconds of every Pagefind binary the build ran, and of bench/pagefind_cpu.py's own Python."""
        lines = self.log.read_text(encoding="utf-8").splitlines() if self.log.is_file() else []
        pairs = [tuple(map(float, line.split())) for line in lines]
        return sum(pair[0] for pair in pairs), sum(pair[1] for pair in pairs)


def medians(rounds: list[dict[str, float]]) -> dict[str, float]:
    """The median CPU seconds of each variant over the rounds, and the median of each round's own ratios
    (``registers_added``, ``full_added``: that round's build over that round's bare build, less 1)."""
    found = {variant: statistics.median(one[variant] for one in rounds) for variant in VARIANTS}
    if all("pagefind" in one for one in rounds):
        found["pagefind"] = statistics.median(one["pagefind"] for one in rounds)
        found["pagefind_share"] = statistics.median(one["pagefind"] / one["bare"] for one in rounds)
    for variant in ("registers", "full"):
        found[f"{variant}_added"] = statistics.median(one[variant] / one["bare"] - 1 for one in rounds)
    return found


#: Valgrind counting the instructions of a command and of every process it starts; its messages go to a file
#: (Pagefind's Python API reads the service's stderr as its answers: a banner there stops the build for ever).
VALGRIND = ("valgrind", "--tool=cachegrind", "--cache-sim=no", "--trace-children=yes")


def count_instructions(command: list[str], cwd: Path, folder: Path) -> dict:
    """Instructions executed by ``command`` and every process it started (cachegrind's ``summary`` of each),
    in all and by program (the file name of each process's executable: python, pagefind, ...), and the
    number of processes of each program."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    traced = [*VALGRIND, f"--log-file={folder}/valgrind.%p.log",
              f"--cachegrind-out-file={folder}/cachegrind.%p.out", *command]
    own_package_data(cwd)
    process = subprocess.run(traced, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                             env={**os.environ, "PYTHONHASHSEED": "0"})
    if process.returncode not in (0, 1) or "Traceback" in process.stderr:
        raise SystemExit(f"`{' '.join(traced)}` failed:\n{process.stderr}")
    by_program: dict[str, int] = {}
    processes: dict[str, int] = {}
    for path in sorted(folder.glob("cachegrind.*.out")):
        text = path.read_text(encoding="utf-8", errors="replace")
        program = re.search(r"^cmd: (\S+)", text, re.M)
        summary = re.search(r"^summary: (\d+)", text, re.M)
        if summary is None:  # a process that exec'd another program: counted in the other's file
            continue
        name = Path(program.group(1)).name if program else "?"
        name = "python" if name.startswith("python") else name
        by_program[name] = by_program.get(name, 0) + int(summary.group(1))
        processes[name] = processes.get(name, 0) + 1
    return {"instructions": sum(by_program.values()), "by_program": by_program, "processes": processes,
            "summary": process.stderr.strip().splitlines()[-1] if process.stderr.strip() else ""}


def measure_instructions(inputs: list[Path], tree: Path, validate: bool, jobs: int | None, parallel: int) -> dict:
    """Each variant's instructions (:func:`count_instructions`), the variants run ``parallel`` at a time, each
    into a site of its own (the counts do not depend on what runs beside them)."""
    module = empty_library_module(tree)
    scratch = Path(tempfile.mkdtemp(prefix="library-instructions-", dir=CORPUS))

    def one(variant: str) -> tuple[str, dict]:
        site = scratch / f"site-{variant}"
        counted = count_instructions(command(variant, inputs, module, validate, jobs, site), tree,
                                     scratch / f"valgrind-{variant}")
        print(f"bench/library.py: {tree.name} {variant}: {counted['instructions'] / 1e9:.2f} G instructions "
              f"{counted['by_program']}", file=sys.stderr, flush=True)
        return variant, counted

    try:
        with ThreadPoolExecutor(max_workers=parallel) as pool:
            return dict(pool.map(one, VARIANTS))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def instructions_markdown(result: dict, volumes: list[Path]) -> str:
    counted = result["counts"]
    bare = counted["bare"]["instructions"]

    def row(variant: str, label: str) -> str:
        found = counted[variant]
        parts = ", ".join(f"{name} {count / 1e9:.2f} G ({found['processes'][name]} process"
                          f"{'es' * (found['processes'][name] != 1)})"
                          for name, count in sorted(found["by_program"].items(), key=lambda item: -item[1]))
        added = "" if variant == "bare" else f"{found['instructions'] / bare - 1:+.1%}"
        return f"| {label} | {found['instructions'] / 1e9:.2f} | {added} | {parts} |"

    registers = counted["registers"]["instructions"] - bare
    search = counted["full"]["instructions"] - counted["registers"]["instructions"]
    added = result["added_instructions"]
    return "\n".join([
        "# Registers, chronology and search: what they add to a full build, in instructions",
        "",
        f"Inputs: the edition (`tei/`) and {', '.join(path.name for path in volumes)}"
        + (f" (every {result['sample']}th document, without the back matter: --sample {result['sample']})"
           if result["sample"] > 1 else "")
        + f", {result['pages']} document pages from {result['tei_bytes'] / 1e6:.2f} MB of TEI "
        f"({result['pages'] / (result['tei_bytes'] / 1e6):.0f} pages a MB); "
        f"`teikit build{'' if result['validate'] else ' --no-validate'} --jobs {result['jobs']}`, all outputs; "
        f"{result['tree']}; instructions executed by the command and every process it started "
        "(valgrind --tool=cachegrind --cache-sim=no --trace-children=yes), one count each: the load does not "
        "change them.",
        "",
        "| build | G instructions | added to bare | by program |",
        "| --- | ---: | ---: | --- |",
        row("bare", "bare: no registers, chronology or search index"),
        row("registers", "with registers and chronology (`--no-search`)"),
        row("full", "full: with the search index too"),
        "",
        f"Registers and chronology {registers / 1e9:+.2f} G ({registers / bare:+.1%} of bare), search index "
        f"{search / 1e9:+.2f} G ({search / bare:+.1%}); together {added:+.1%} of the bare build (target: at most "
        f"{TARGET:+.0%}: {'met' if added <= TARGET else 'not met'}).",
        "",
    ])


def counts() -> dict:
    """What the last build's registers hold, from its report and pages."""
    report = (SITE / "registers-report.txt").read_text(encoding="utf-8")
    found = {}
    for folder, entries, records, merged, misses in re.findall(
            r"^(\w+): (\d+) entries from (\d+) records; (\d+) merged; (\d+) near misses", report, re.M):
        found[folder] = {"entries": int(entries), "records": int(records), "merged": int(merged),
                         "near_misses": int(misses)}
    found["chronology_pages"] = len(list((SITE / "html" / "chronology").glob("*.html")))
    return found


def markdown(result: dict, volumes: list[Path], repeat: int) -> str:
    times = result["times"]
    bare = times["bare"]

    def added(variant: str, base: str = "bare") -> str:
        cpu = times[variant]["cpu"] - times[base]["cpu"]
        return f"{cpu:+.1f} ({cpu / times[base]['cpu']:+.1%} of bare)" if base == "bare" else f"{cpu:+.1f}"

    persons = result["registers"].get("persons", {})
    search_cpu = times["full"]["cpu"] - times["registers"]["cpu"]
    registers_cpu = times["registers"]["cpu"] - bare["cpu"]
    lines = [
        "# Registers, chronology and search: what they add to a full build",
        "",
        f"Inputs: the edition (`tei/`) and {', '.join(path.name for path in volumes)}"
        + (f" (every {result['sample']}th document, without the back matter: --sample {result['sample']})"
           if result.get("sample", 1) > 1 else "") + "; "
        f"`teikit build{'' if result['validate'] else ' --no-validate'} --jobs {result['jobs']}`, all outputs; "
        f"{result['tree']}{' (measured in turn with ' + ', '.join(result['measured_with']) + ')' if result['measured_with'] else ''}; "
        f"{os.cpu_count()} CPUs, load average {result['load']:.1f} at the start, {result['load_end']:.1f} at the end; "
        f"the three in turn, best of {repeat}.",
        "",
        "| build | wall s | CPU s | CPU s added |",
        "| --- | ---: | ---: | ---: |",
        f"| bare: no registers, chronology or search index | {bare['wall']:.1f} | {bare['cpu']:.1f} | |",
        f"| with registers and chronology (`--no-search`) | {times['registers']['wall']:.1f} | "
        f"{times['registers']['cpu']:.1f} | {added('registers')} |",
        f"| full: with the search index too | {times['full']['wall']:.1f} | {times['full']['cpu']:.1f} | "
        f"{added('full')} |",
        "",
        f"Registers and chronology {registers_cpu:+.1f} CPU s, search index {search_cpu:+.1f} CPU s; together "
        f"{result['added_cpu']:+.1%} of the bare build (target: at most {TARGET:+.0%}: "
        f"{'met' if result['added_cpu'] <= TARGET else 'not met'}).",
        "",
        f"Medians of the {len(result['rounds'])} rounds: bare {result['medians']['bare']:.1f}, with registers "
        f"{result['medians']['registers']:.1f}, full {result['medians']['full']:.1f} CPU s; each round's own "
        f"ratio to its bare build, median: registers {result['medians']['registers_added']:+.1%}, full "
        f"{result['medians']['full_added']:+.1%}. Every round (bare / registers / full CPU s): "
        + "; ".join(f"{one['bare']:.1f} / {one['registers']:.1f} / {one['full']:.1f}" for one in result["rounds"])
        + ".",
        "",
        *([f"The Pagefind binary alone (bench/pagefind_cpu.py), in the full build: {result['medians']['pagefind']:.1f} "
           f"CPU s (median), {result['medians']['pagefind_share']:.1%} of the bare build (each round's own ratio, "
           f"median); the rest of what the search index adds is the toolkit's (the copies Pagefind reads, the "
           f"checks, the dates). Every round: " + ", ".join(f"{one['pagefind']:.2f}" for one in result["rounds"])
           + " CPU s.", ""] if "pagefind" in result["medians"] else []),
        f"Persons: {persons.get('entries')} entries from {persons.get('records')} records, "
        f"{persons.get('merged')} merged across sources, {persons.get('near_misses')} near misses reported; "
        f"{result['registers']['chronology_pages']} chronology pages.",
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--validate", action="store_true",
                        help="build as `teikit build` does by default, validating (volumes published in part)")
    parser.add_argument("--jobs", type=int, help="the builds' --jobs (1: one process, the steadiest CPU figures "
                                                  "on a shared machine: no workers competing for the cores)")
    parser.add_argument("--tree", type=Path, action="append",
                        help="a source tree to measure (default: this one), run with this venv; given more than "
                             "once (before and after), the trees are measured in turn in each round")
    parser.add_argument("--instructions", action="store_true",
                        help="count each variant's instructions with valgrind (once each) instead of timing them")
    parser.add_argument("--parallel", type=int, default=3,
                        help="with --instructions: how many variants are counted at once (default: all three)")
    parser.add_argument("--sample", type=int, metavar="N",
                        help="build every N-th document of each volume, without its back matter (a smaller library "
                             "with the whole one's ratio of pages to TEI: sampled())")
    parser.add_argument("--volume", type=Path, action="append",
                        help="a TEI file to build with the edition instead of ../shared/frus/*.xml (repeatable)")
    args = parser.parse_args(argv)
    volumes = [path.resolve() for path in args.volume] if args.volume else sorted(SHARED.glob("frus*.xml"))
    if not volumes:
        print(f"bench/library.py: {SHARED} is absent: nothing to measure")
        return 0
    if args.sample and args.sample > 1:
        volumes = sampled(volumes, args.sample)
    trees = [tree.resolve() for tree in (args.tree or [ROOT])]
    inputs = [ROOT / "tei", *volumes]
    load = os.getloadavg()[0]
    if args.instructions:
        return instructions(inputs, volumes, trees, args)
    measure(inputs, trees, args.repeat, args.validate, args.jobs,
            lambda measured: write_results(measured, inputs, volumes, trees, load, args))
    return 0


def write_results(measured: dict, inputs: list[Path], volumes: list[Path], trees: list[Path], load: float,
                  args: argparse.Namespace) -> None:
    """Each tree's figures so far as library[-TREE][-validated][-jobsN][-sampleN].md and .json."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    for tree in trees:
        times = measured[tree]["times"]
        result = {"inputs": [path.name for path in inputs], "jobs": args.jobs or os.cpu_count(), "load": load,
                  "load_end": os.getloadavg()[0], "validate": args.validate,
                  "tree": "this tree" if tree == ROOT else f"the tree {tree.name}",
                  "measured_with": [other.name for other in trees if other != tree], "times": times,
                  "rounds": measured[tree]["rounds"], "medians": measured[tree]["medians"],
                  "sample": args.sample or 1,
                  "added_cpu": times["full"]["cpu"] / times["bare"]["cpu"] - 1,
                  "registers": measured[tree]["registers"]}
        name = (("library" if tree == ROOT else f"library-{tree.name}") + ("-validated" if args.validate else "")
                + (f"-jobs{args.jobs}" if args.jobs else "")
                + (f"-sample{args.sample}" if args.sample and args.sample > 1 else ""))
        (RESULTS / f"{name}.json").write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
        text = markdown(result, volumes, len(measured[tree]["rounds"]))
        (RESULTS / f"{name}.md").write_text(text, encoding="utf-8")
        print(text, flush=True)


def tei_bytes(path: Path) -> int:
    """The bytes of TEI an input holds (a folder: its .xml files)."""
    return sum(file.stat().st_size for file in path.glob("*.xml")) if path.is_dir() else path.stat().st_size


def page_count(counted: dict) -> int:
    """The document pages the full build indexed, from its summary line ("search index of N pages")."""
    found = re.search(r"search index of (\d+) pages", counted["full"]["summary"])
    return int(found.group(1)) if found else 0


def sampled(volumes: list[Path], every: int) -> list[Path]:
    """The volumes cut to every ``every``-th document (``div type="document"``, in document order) and without
    their back matter (the back-of-book index: no page of its own), into bench/corpus/library-sample-N/: a
    library whose pages and TEI are in the same ratio as the whole one's (the back matter is a twelfth of the
    TEI; cut to a quarter of the documents with it whole, the sample would hold a larger share of it). What is
    left is serialised as lxml parsed it; a removed element's tail goes to the element before it."""
    from lxml import etree

    folder = CORPUS / f"library-sample-{every}"
    folder.mkdir(parents=True, exist_ok=True)
    documents = ".//{http://www.tei-c.org/ns/1.0}div[@type='document']"
    cut = []
    for volume in volumes:
        target = folder / volume.name
        cut.append(target)
        if target.is_file() and target.stat().st_mtime >= volume.stat().st_mtime:
            continue
        tree = etree.parse(str(volume))
        root = tree.getroot()
        doomed = [element for number, element in enumerate(root.iterfind(documents)) if number % every]
        doomed += root.findall("{http://www.tei-c.org/ns/1.0}text/{http://www.tei-c.org/ns/1.0}back")
        for element in doomed:
            parent, previous = element.getparent(), element.getprevious()
            if element.tail and element.tail.strip():
                if previous is not None:
                    previous.tail = (previous.tail or "") + element.tail
                else:
                    parent.text = (parent.text or "") + element.tail
            parent.remove(element)
        tree.write(str(target), encoding="UTF-8", xml_declaration=True)
    return cut


def instructions(inputs: list[Path], volumes: list[Path], trees: list[Path], args: argparse.Namespace) -> int:
    """``--instructions``: each tree's three variants counted (:func:`measure_instructions`), written out."""
    if shutil.which("valgrind") is None:
        raise SystemExit("bench/library.py: --instructions needs valgrind (apt-get install valgrind)")
    RESULTS.mkdir(parents=True, exist_ok=True)
    for tree in trees:
        counted = measure_instructions(inputs, tree, args.validate, args.jobs, args.parallel)
        result = {"inputs": [path.name for path in inputs], "jobs": args.jobs or os.cpu_count(),
                  "validate": args.validate, "tree": "this tree" if tree == ROOT else f"the tree {tree.name}",
                  "sample": args.sample or 1, "tei_bytes": sum(tei_bytes(path) for path in inputs),
                  "pages": page_count(counted), "counts": counted,
                  "added_instructions": counted["full"]["instructions"] / counted["bare"]["instructions"] - 1}
        name = (("library-instructions" if tree == ROOT else f"library-instructions-{tree.name}")
                + ("-validated" if args.validate else "") + (f"-jobs{args.jobs}" if args.jobs else "")
                + (f"-sample{args.sample}" if args.sample and args.sample > 1 else ""))
        (RESULTS / f"{name}.json").write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
        text = instructions_markdown(result, volumes)
        (RESULTS / f"{name}.md").write_text(text, encoding="utf-8")
        print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
