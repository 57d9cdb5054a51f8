"""Validating whole FRUS volumes: time, the one-time grammar compilation, and scaling.

For each real volume in ``../shared/frus/`` (the Office of the Historian's TEI;
skipped with a line when that folder is absent) and for one generated volume
of about 4 MB (documents of both volumes appended to volume VI, each copy with
its own ids and in-volume pointers, numbered on, without the supplement's
``<uh-oh>`` notes, so that it is valid; written to
``bench/corpus/frus/``, gitignored), this measures:

* ``teikit validate VOLUME`` as a subprocess (the real command line: start-up,
  parse, grammar, Schematron, FRUS checks), best of ``--repeat`` runs;
* in process, each step alone: the safe parse, the one-time costs (reading
  tei_all and compiling it for the volume's vocabulary; compiling
  schemas/frus.sch), the grammar check with the compiled grammar, the
  Schematron rules, and the FRUS checks (ids, numbering, pointers).

A linear validator takes about size-ratio times as long on the 4 MB volume as
on volume VI (1.4 MB); the target is at most 3x volume VI's 2 s. With
``--profile`` a pyinstrument profile of the largest volume's in-process run is
written to bench/results/frus-profile.txt. Results: bench/results/frus.md and
frus.json.

    python bench/frus.py [--repeat 3] [--profile]
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from lxml import etree

ROOT = Path(__file__).resolve().parent.parent
from measure import SHARED  # noqa: E402  (bench/measure.py: what the benchmarks share)
sys.path.insert(0, str(ROOT))

from toolkit import kinds, relaxng, schematron, xmlio  # noqa: E402
from toolkit.kinds import frus  # noqa: E402

# ../shared/frus beside the repository (or beside the folder of worktrees holding it).
VOLUMES = ("frus1961-63v06.xml", "frus1961-63v10-12mSupp.xml")
CORPUS = ROOT / "bench" / "corpus" / "frus"
RESULTS = ROOT / "bench" / "results"
TEIKIT = Path(sys.executable).parent / "teikit"
TEI = xmlio.TEI_NS
XML_ID = f"{{{xmlio.XML_NS}}}id"
TARGET_SECONDS = 2.0
TARGET_RATIO = 3.0


def generated_volume(megabytes: float) -> Path:
    """Volume VI with documents of both volumes appended until the file is about ``megabytes``."""
    base = etree.parse(str(SHARED / VOLUMES[0]))
    sources = [etree.parse(str(SHARED / name)) for name in VOLUMES]
    documents = [(index, d) for index, tree in enumerate(sources)
                 for d in tree.getroot().iter(f"{{{TEI}}}div") if d.get("type") == "document"]
    body_division = base.getroot().find(f"{{{TEI}}}text/{{{TEI}}}body/{{{TEI}}}div")
    number = len([d for d in body_division if d.get("type") == "document"])
    size, copy_number = len(etree.tostring(base)), 0
    while size < megabytes * 1_000_000:
        copy_number += 1
        for source, document in documents:
            if size >= megabytes * 1_000_000:
                break
            duplicate = _renamed(document, f"-c{copy_number}v{source}")
            number += 1
            duplicate.set("n", str(number))
            duplicate.tail = "\n"
            body_division.append(duplicate)
            size += len(etree.tostring(duplicate))
    CORPUS.mkdir(parents=True, exist_ok=True)
    path = CORPUS / f"frus-generated-{megabytes:g}mb.xml"
    base.write(str(path), encoding="UTF-8", xml_declaration=True)
    return path


def _renamed(document: etree._Element, suffix: str) -> etree._Element:
    """A copy of a document whose own ids (and the pointers to them) carry ``suffix``."""
    duplicate = copy.deepcopy(document)
    # The supplement's <uh-oh> notes (not TEI) stay out, so that the generated volume is valid.
    for note in list(duplicate.iter(f"{{{TEI}}}uh-oh")):
        previous = note.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + (note.tail or "")
        else:
            note.getparent().text = (note.getparent().text or "") + (note.tail or "")
        note.getparent().remove(note)
    own = {e.get(XML_ID) for e in duplicate.iter(etree.Element) if e.get(XML_ID)}
    for element in duplicate.iter(etree.Element):
        if element.get(XML_ID):
            element.set(XML_ID, element.get(XML_ID) + suffix)
        for attribute in frus.POINTER_ATTRIBUTES:
            value = element.get(attribute)
            if value:
                element.set(attribute, " ".join(t + suffix if t.startswith("#") and t[1:] in own else t
                                                for t in value.split()))
    return duplicate


def _clock(function, *args):
    start = time.perf_counter()
    result = function(*args)
    return time.perf_counter() - start, result


def in_process(path: Path) -> dict[str, float]:
    """Each step of validating one volume, in this process (seconds)."""
    timings: dict[str, float] = {}
    timings["parse"], document = _clock(xmlio.parse_document, path)
    profile = kinds.detect(document.root)
    timings["read tei_all (once)"], grammar = _clock(relaxng.TeiGrammar, profile.grammar, profile.extend_grammar)
    vocabulary = frozenset(etree.QName(e).localname for e in document.root.iter(f"{{{TEI}}}*"))
    timings["compile for the vocabulary (once)"], _ = _clock(grammar.for_vocabulary, vocabulary)
    timings["compile frus.sch (once)"], rules = _clock(schematron.Rules, profile.rules)
    timings["grammar check"], _ = _clock(grammar.check, document)
    timings["Schematron"], _ = _clock(rules.check, document)
    timings["FRUS checks"], _ = _clock(profile.file_checks, document)
    return timings


def command_seconds(path: Path, repeat: int) -> tuple[float, float, int]:
    """Best wall and CPU seconds (user + system, from wait4) of ``teikit validate PATH``, and its exit code."""
    best_wall = best_cpu = float("inf")
    code = 0
    for _ in range(repeat):
        start = time.perf_counter()
        process = subprocess.Popen([str(TEIKIT), "validate", str(path)], stdout=subprocess.DEVNULL,
                                   stderr=subprocess.PIPE, text=True)
        stderr = process.stderr.read()
        _, status, usage = os.wait4(process.pid, 0)
        best_wall = min(best_wall, time.perf_counter() - start)
        best_cpu = min(best_cpu, usage.ru_utime + usage.ru_stime)
        code = os.waitstatus_to_exitcode(status)
        process.returncode = code
        if "Traceback" in stderr:
            raise SystemExit(f"traceback validating {path}:\n{stderr}")
    return best_wall, best_cpu, code


def profile_run(path: Path) -> None:
    from pyinstrument import Profiler

    profiler = Profiler()
    profiler.start()
    in_process(path)
    profiler.stop()
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "frus-profile.txt").write_text(profiler.output_text(unicode=True, color=False), encoding="utf-8")


def markdown(rows: list[dict]) -> str:
    steps = list(rows[0]["steps"])
    lines = ["# Validating FRUS volumes (bench/frus.py)", "",
             "Seconds. `teikit validate` is the whole command (best of the repeats), wall and CPU (user + "
             "system: less sensitive to other load than wall time); the steps are timed alone (wall) in one "
             "process; \"once\" marks the one-time costs (per process and vocabulary). "
             f"Load average during the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs.", "",
             "| volume | MB | documents | exit | teikit validate | CPU | CPU per MB | " + " | ".join(steps) + " |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: | " + " | ".join("---:" for _ in steps) + " |"]
    for row in rows:
        lines.append(f"| {row['volume']} | {row['megabytes']:.2f} | {row['documents']} | {row['exit']} | "
                     f"{row['seconds']:.2f} | {row['cpu']:.2f} | {row['cpu'] / row['megabytes']:.2f} | "
                     + " | ".join(f"{row['steps'][s]:.3f}" for s in steps) + " |")
    vi = next((r for r in rows if r["volume"] == VOLUMES[0]), None)
    big = next((r for r in rows if r["volume"].startswith("frus-generated")), None)
    if vi and big:
        once = sum(v for k, v in vi["steps"].items() if "once" in k)
        ratio, cpu_ratio = big["seconds"] / vi["seconds"], big["cpu"] / vi["cpu"]
        lines += ["", f"- volume VI validated in {vi['seconds']:.2f} s wall, {vi['cpu']:.2f} s CPU (target "
                      f"{TARGET_SECONDS:g} s: {'met' if min(vi['seconds'], vi['cpu']) <= TARGET_SECONDS else 'NOT met'}"
                      f"); one-time grammar and rules compilation inside that: {once:.2f} s.",
                  f"- the {big['megabytes']:.1f} MB volume took {ratio:.2f}x volume VI's wall time and "
                  f"{cpu_ratio:.2f}x its CPU time for {big['megabytes'] / vi['megabytes']:.2f}x its size "
                  f"(target at most {TARGET_RATIO:g}x: {'met' if min(ratio, cpu_ratio) <= TARGET_RATIO else 'NOT met'})."]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--megabytes", type=float, default=4.0, help="size of the generated volume")
    parser.add_argument("--profile", action="store_true", help="write a pyinstrument profile of the largest volume")
    args = parser.parse_args(argv)
    if not all((SHARED / name).is_file() for name in VOLUMES):
        print(f"bench/frus.py: skipped: the FRUS volumes are not in {SHARED}")
        return 0
    paths = [SHARED / name for name in VOLUMES] + [generated_volume(args.megabytes)]
    rows = []
    for path in paths:
        seconds, cpu, code = command_seconds(path, args.repeat)
        steps = in_process(path)
        documents = sum(1 for d in etree.parse(str(path)).iter(f"{{{TEI}}}div") if d.get("type") == "document")
        rows.append({"volume": path.name, "megabytes": path.stat().st_size / 1_000_000, "documents": documents,
                     "exit": code, "seconds": seconds, "cpu": cpu, "steps": steps})
        print(f"{path.name}: {seconds:.2f} s wall, {cpu:.2f} s CPU (exit {code})", flush=True)
    if args.profile:
        profile_run(paths[-1])
    RESULTS.mkdir(exist_ok=True)
    report = markdown(rows)
    (RESULTS / "frus.md").write_text(report, encoding="utf-8")
    (RESULTS / "frus.json").write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")
    print(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
