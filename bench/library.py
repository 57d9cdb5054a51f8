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
* **full**: ``teikit build`` as it is: registers, chronology and the search index.

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

    python bench/library.py [--repeat 2] [--tree DIR [--tree DIR]] [--validate] [--jobs N]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
from measure import SHARED, run  # noqa: E402  (bench/measure.py: what the benchmarks share)
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


def command(variant: str, inputs: list[Path], module: Path, validate: bool, jobs: int | None = None) -> list[str]:
    arguments = ["build", *([] if validate else ["--no-validate"]), *(["--jobs", str(jobs)] if jobs else []),
                 "--out", str(SITE), *map(str, inputs)]
    if variant != "full":
        arguments.insert(1, "--no-search")
    if variant == "bare":
        return [sys.executable, "-c", WITHOUT, str(module), *arguments]
    return [sys.executable, "-m", "toolkit", *arguments]


def measure(inputs: list[Path], trees: list[Path], repeat: int, validate: bool, jobs: int | None) -> dict:
    """Best wall and CPU seconds of each variant of each tree; in each round every tree's variants in turn,
    so that a change in the machine's load falls on before and after alike. Also what each tree's registers
    hold (:func:`counts`, after its registers build)."""
    modules = {tree: empty_library_module(tree) for tree in trees}
    best = {tree: {variant: {"wall": float("inf"), "cpu": float("inf")} for variant in VARIANTS} for tree in trees}
    found = {}
    for _ in range(repeat):
        for tree in trees:
            for variant in VARIANTS:
                shutil.rmtree(SITE, ignore_errors=True)
                wall, cpu, stderr = run(command(variant, inputs, modules[tree], validate, jobs), cwd=tree)
                best[tree][variant] = {"wall": min(best[tree][variant]["wall"], wall),
                                       "cpu": min(best[tree][variant]["cpu"], cpu),
                                       "summary": stderr.strip().splitlines()[-1]}
                print(f"bench/library.py: {tree.name} {variant}: {cpu:.2f} CPU s, {wall:.1f} s wall",
                      file=sys.stderr, flush=True)
                if variant == "registers":
                    found[tree] = counts()
    return {tree: {"times": best[tree], "registers": found[tree]} for tree in trees}


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
        f"Inputs: the edition (`tei/`) and {', '.join(path.name for path in volumes)}; "
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
    args = parser.parse_args(argv)
    volumes = sorted(SHARED.glob("frus*.xml"))
    if not volumes:
        print(f"bench/library.py: {SHARED} is absent: nothing to measure")
        return 0
    trees = [tree.resolve() for tree in (args.tree or [ROOT])]
    inputs = [ROOT / "tei", *volumes]
    load = os.getloadavg()[0]
    measured = measure(inputs, trees, args.repeat, args.validate, args.jobs)
    RESULTS.mkdir(parents=True, exist_ok=True)
    for tree in trees:
        times = measured[tree]["times"]
        result = {"inputs": [path.name for path in inputs], "jobs": args.jobs or os.cpu_count(), "load": load,
                  "load_end": os.getloadavg()[0], "validate": args.validate,
                  "tree": "this tree" if tree == ROOT else f"the tree {tree.name}",
                  "measured_with": [other.name for other in trees if other != tree], "times": times,
                  "added_cpu": times["full"]["cpu"] / times["bare"]["cpu"] - 1,
                  "registers": measured[tree]["registers"]}
        name = (("library" if tree == ROOT else f"library-{tree.name}") + ("-validated" if args.validate else "")
                + (f"-jobs{args.jobs}" if args.jobs else ""))
        (RESULTS / f"{name}.json").write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
        text = markdown(result, volumes, args.repeat)
        (RESULTS / f"{name}.md").write_text(text, encoding="utf-8")
        print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
