"""Build the edition's outputs: HTML pages, plain texts and citations.

:func:`build` validates the documents first (unless told not to), then runs
the XSLT stylesheets (:mod:`toolkit.transform`) on every valid document and
stages what they return; when the whole run is staged, it is put in place in
``OUT/html``, ``OUT/text`` and ``OUT/cite`` (:mod:`toolkit.output`). A
document that is invalid, or on which a stylesheet fails, gets no new output
at all: its earlier outputs stay as they were.
Documents without a ``<text>`` (the authority file) have nothing to publish
and are skipped. The HTML build also writes ``OUT/html/index.html`` and the
pages' ``OUT/html/edition.css`` and ``OUT/html/edition.js``.

Each document is read and parsed once: the worker that validates it
(:func:`check_and_build`) transforms the same lxml tree's text, with the
profile it detected; only the references between files wait for the parent
(:func:`toolkit.validate.finish`), and a document they find invalid loses what
was staged for it. Saxon cannot take lxml's tree (it builds its own), so it
parses the text once more: about 1.2 ms of CPU for a 20 kB document, 5 % of its
transformation (bench/README.md).

A FRUS volume is transformed in parts (:func:`toolkit.transform.transform_in_parts`), each part's files
staged before the next is made; a part that fails places nothing of the volume.

A handful of documents are transformed in this process; more go to the worker
processes of :mod:`toolkit.pool`, each of which compiles the stylesheet once.
The parent process does not load Saxon while the workers run (each Saxon holds
a heap of a few hundred MB); it does so afterwards, for the index page.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import hashlib
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from lxml import etree

from toolkit import cache, confine, formats as output_formats, kinds, library, output, pointers, pool, project, search, site, transform
from toolkit.errors import Problem, ProblemCollection, ToolkitError, TransformError, UsageError
from toolkit.paths import BUILD_DIR, XSLT_DIR, display_path
from toolkit.xmlio import NS, Document, DocumentError, parse_document

if TYPE_CHECKING:
    from toolkit import validate

#: Copied beside the pages: their style and their small script (views, cards).
PAGE_ASSETS = (XSLT_DIR / "edition.css", XSLT_DIR / "edition.js", XSLT_DIR / "search.js")
PARALLEL_THRESHOLD = pool.PARALLEL_THRESHOLD


@dataclass
class DocumentBuild:
    """What happened to one document: the files written, or why there are none."""

    path: Path
    files: list[Path] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    #: Why the document has no outputs although it has no errors (e.g. no <text>).
    skipped: str | None = None
    #: What the index page shows of the document (XML), when its page was just built.
    index_card: str | None = None
    #: The files staged for it: relative name ("html/d1.html") -> where it waits in the staging folder.
    staged: dict[str, Path] = field(default_factory=dict)
    #: Its validation, when the worker validated it before transforming it (see :func:`check_and_build`).
    check: "validate.DocumentResult | None" = None
    #: The other files its outputs or its verdict depend on (the authority file), real paths.
    linked: list[str] = field(default_factory=list)
    #: What site-wide pages need of it (:data:`toolkit.cache.COLLECTORS`), kept in its cache record.
    data: dict = field(default_factory=dict)
    #: Its outputs from an earlier build, kept because nothing they depend on changed (:mod:`toolkit.cache`).
    kept: list[str] = field(default_factory=list)
    #: Published although it has errors: a volume published document by document (:func:`publication`).
    published_in_part: bool = False
    #: Documents of a volume kept back from publication by their errors: id -> why.
    withheld: dict[str, str] = field(default_factory=dict)
    #: Of a file transformed again, the files of its documents (a FRUS volume's) that were not: nothing
    #: they depend on changed (:func:`_unit_plan`); they stay as they are, and still belong to it.
    reused: list[str] = field(default_factory=list)
    #: What each of its documents made, for its cache record: id -> {"key", "files", "records"}.
    units: dict[str, dict] = field(default_factory=dict)
    #: How many of its documents' files were kept (``reused``).
    units_kept: int = 0

    @property
    def failed(self) -> bool:
        """It has errors and nothing of it was published (a volume published in part has not failed)."""
        return any(problem.severity == "error" for problem in self.problems) and not self.published_in_part


@dataclass
class BuildResult(ProblemCollection):
    """The outcome of a build."""

    out_dir: Path
    formats: tuple[str, ...]
    documents: list[DocumentBuild]
    #: Files that belong to the edition rather than a document (index page, CSS).
    edition_files: list[Path] = field(default_factory=list)
    #: The registers' report of merges and near misses, when the HTML was built (toolkit/library.py).
    library_report: Path | None = None
    seconds: float = 0.0
    #: What the search index holds (None: not built in this run).
    search_result: search.IndexResult | None = None
    search_seconds: float = 0.0

    @property
    def built(self) -> list[DocumentBuild]:
        return [document for document in self.documents if document.files]

    @property
    def failed(self) -> list[DocumentBuild]:
        return [document for document in self.documents if document.failed]

    @property
    def written(self) -> list[Path]:
        return [path for document in self.documents for path in document.files] + self.edition_files

    @property
    def kept(self) -> list[DocumentBuild]:
        """Documents whose outputs were kept: nothing they depend on changed since they were built."""
        return [document for document in self.documents if document.kept]

    def summary(self) -> str:
        built, failed, kept = len(self.built), len(self.failed), len(self.kept)
        reused = sum(document.units_kept for document in self.documents)
        skipped = sum(1 for document in self.documents if document.skipped)
        parts = [f"{built} document{'s' * (built != 1)} built ({', '.join(self.formats)})",
                 f"{len(self.written)} file{'s' * (len(self.written) != 1)} written to {display_path(self.out_dir)}"]
        if kept:
            parts.append(f"{kept} unchanged, outputs kept")
        if reused:
            parts.append(f"{reused} unchanged document{'s' * (reused != 1)} of changed volumes kept")
        if skipped:
            parts.append(f"{skipped} without text skipped")
        withheld = sum(len(document.withheld) for document in self.documents)
        if withheld:
            parts.append(f"{withheld} document{'s' * (withheld != 1)} of volumes kept back by their errors "
                         "(listed on the contents pages)")
        if failed:
            parts.append(f"{failed} failed, earlier outputs kept")
        if self.search_result is not None:
            made, kept = len(self.search_result.made), len(self.search_result.kept)
            parts.append(f"search index of {self.search_result.pages} page{'s' * (self.search_result.pages != 1)} "
                         f"({made} shard{'s' * (made != 1)} made" + (f", {kept} kept" if kept else "")
                         + f") in {self.search_seconds:.2f} s")
        return "; ".join(parts) + f" in {self.seconds:.2f} s"


def parse_formats(text: str | None) -> tuple[str, ...]:
    """``"html,cite"`` as a tuple of known formats in build order (default: all)."""
    known = output_formats.names()
    if not text:
        return known
    wanted = [item.strip().lower() for item in text.split(",") if item.strip()]
    unknown = [item for item in wanted if item not in known]
    if unknown or not wanted:
        raise UsageError(f'unknown output format "{",".join(unknown) or text}"',
                         hint=f"choose from {', '.join(known)}, separated by commas")
    return tuple(output for output in known if output in wanted)


# ---------------------------------------------------------------------------
# One document
# ---------------------------------------------------------------------------

def _problem(path: Path, message: str, hint: str | None = None) -> Problem:
    return Problem(display_path(path), 1, 1, message, hint=hint, step="transform")


def _has_text(root: etree._Element) -> bool:
    """Whether a document has anything to publish: a TEI with its ``<text>``, or a teiCorpus (nested
    in others too) with at least one such TEI."""
    if root.tag == f"{{{NS['tei']}}}TEI":
        return root.find("tei:text", NS) is not None
    return root.find(".//tei:TEI/tei:text", NS) is not None


def build_document(path: Path, stage_dir: Path, formats: tuple[str, ...],
                   parameters: transform.Parameters, root: Path | None = None,
                   reuse: UnitReuse | None = None) -> DocumentBuild:
    """Transform one (already validated) document and stage its files in ``stage_dir``
    (``FORMAT/NAME``); :func:`build` puts them in place when the whole run is staged."""
    result = DocumentBuild(path)
    try:
        document = parse_document(path)
    except DocumentError as exc:
        result.problems.append(exc.problem)
        return result
    return _transform_parsed(result, document, project.kind_for(path, document.root, parameters.profile), stage_dir,
                             formats, parameters, root, reuse)


def check_and_build(path: Path, stage_dir: Path, formats: tuple[str, ...],
                    parameters: transform.Parameters, root: Path | None = None,
                    strict: bool = False, reuse: UnitReuse | None = None) -> DocumentBuild:
    """Validate one document's own steps and, when they pass, transform the same parsed tree: one read,
    one parse, one profile detection for both. The references between files are settled afterwards, by the
    parent (:func:`toolkit.validate.finish`): a document they make invalid loses what was staged for it.
    A volume with errors is published without the documents they keep back (:func:`publication`)."""
    from toolkit import validate

    check, document = validate.check_and_keep(path, override=parameters.profile)
    result = DocumentBuild(path, check=check, linked=sorted(check.facts.linked) if check.facts else [])
    if document is None:
        return result
    profile = project.kind_named(check.profile, project.current())
    if not check.valid:
        withheld = publication(document.root, check.problems, profile, strict)
        if withheld is None:
            return result
        result.published_in_part, result.withheld = True, withheld
        if withheld:
            parameters = dataclasses.replace(parameters, site=site.with_withheld(parameters.site, document.root, withheld))
    return _transform_parsed(result, document, profile, stage_dir, formats, parameters, root, reuse)


def publication(root: etree._Element, problems: list[Problem], profile: kinds.Kind,
                strict: bool) -> dict[str, str] | None:
    """What of a file with errors is published: None, nothing; else the documents kept back ({id: why}).

    Without ``strict``, a file of many documents (a FRUS volume: its kind's ``withhold``)
    is published document by document: an error keeps back the document it stands in; an
    error of a rule the kind lists as publishable keeps nothing back. See docs/validation.md.
    """
    if strict or profile.withhold is None:
        return None
    blocking = [problem for problem in problems
                if problem.severity == "error" and problem.rule not in profile.publishable_rules]
    return profile.withhold(root, blocking) if blocking else {}


def _transform_parsed(result: DocumentBuild, document: Document, profile: kinds.Kind, stage_dir: Path,
                      formats: tuple[str, ...], parameters: transform.Parameters,
                      root: Path | None, reuse: UnitReuse | None = None) -> DocumentBuild | pool.Resume:
    """Transform a parsed document and stage its files; in a worker that its next run would take past its
    memory budget, a file transformed in several runs (a FRUS volume's parts) stops between two and returns
    :class:`toolkit.pool.Resume` with the rest (:class:`_Rest`), which a fresh worker carries on
    (:func:`_carry_on`, joined by :func:`_joined`)."""
    path = result.path
    if not _has_text(document.root):
        result.skipped = "no <text>: nothing to publish (an authority or stand-off file)"
        return result
    targets = pointers.for_stylesheets(document, root, profile)
    result.linked = sorted({str(target) for target in targets.documents.values()} | set(result.linked))
    plan = _unit_plan(document, profile, formats, parameters, targets, reuse)
    records: list[str] = []
    made: dict[str, tuple[list[str], list[str]]] = {}
    problems = len(result.problems)
    parted = stopped = None
    try:
        # One envelope, or one per part of a volume (toolkit/transform.py): each part's files are
        # written to the staging folder before the next part is made, so that no more than a part's
        # outputs are held at once.
        parted = transform.parted(document, formats, parameters, root, profile.name, targets,
                                  skip=plan.skip if plan else frozenset())
        envelopes = (transform.transform_parted(parted, parameters, spool=stage_dir) if parted is not None else
                     transform.transform_in_parts(document, formats, parameters, root=root, profile=profile.name,
                                                  targets=targets))
        stopped = _stage_envelopes(result, envelopes, stage_dir, records, made, parted)
    except TransformError as exc:
        result.problems.append(_problem(path, exc.message, exc.hint))
    if len(result.problems) > problems:  # nothing of a document is placed unless all of it was made
        result.staged.clear()
        result.index_card = None
        return result
    for name, collect in cache.COLLECTORS.items():
        result.data[name] = collect(document, result.index_card)
    # Which documents of the build's other volumes its pages link, as t:site said: settled after the build.
    result.data[SITE_LINKS] = site.links(targets.pointers, parameters.site)
    if stopped is not None:  # the library records and units are settled by the worker that makes the last run
        return pool.Resume(result, _Rest(path, stage_dir, parted, stopped, parameters, tuple(result.staged),
                                         tuple(records), made, plan))
    _records_done(result, records, made, plan)
    return result


def _records_done(result: DocumentBuild, records: list[str], made: dict[str, tuple[list[str], list[str]]],
                  plan: "_Plan | None") -> None:
    """A file's library records (and, keeping some documents of a volume, its units) once all is made."""
    if plan is not None:
        records = _units_done(result, plan, made)
    if records:
        # The pages' library records come from the transformation itself (the envelope), not from a
        # collector of (document, card): kept in the cache record like the collectors' data.
        result.data[LIBRARY_DATA] = transform.merge_records(records)


def _stage_envelopes(result: DocumentBuild, envelopes, stage_dir: Path, records: list[str],
                     made: dict[str, tuple[list[str], list[str]]], parted: transform.Parted | None,
                     start: int = 0) -> int | None:
    """Write each envelope's files to the staging folder as it comes. In a worker that the next run would
    take past its memory budget (:func:`toolkit.pool.over_budget`) with runs of ``parted`` left, stop: the
    number of the next run."""
    for number, envelope in enumerate(envelopes, start):
        outputs = {f"{item.format}/{item.name}": item.content for item in envelope.files}
        if envelope.card is not None:
            result.index_card = envelope.card
        if envelope.records is not None:
            records.append(envelope.records)
        made.update(envelope.units)
        del envelope  # the outputs of a large part: keep one copy, not two
        too_long = next(filter(None, map(output.name_problem, outputs)), None)
        if too_long:
            result.problems.append(_problem(result.path, too_long, "shorten the TEI/@xml:id, which names the outputs"))
            return None
        for relative in list(outputs):
            try:
                output.write_file(stage_dir / relative, outputs.pop(relative))
            except OSError as exc:
                raise output.OutputError(f"the outputs could not be written (earlier outputs kept): "
                                         f"{exc.strerror}", path=display_path(stage_dir.parent.parent)) from None
            result.staged[relative] = stage_dir / relative
        if parted is not None and number + 1 < len(parted.runs) and pool.over_budget():
            return number + 1
    return None


@dataclass(frozen=True)
class _Rest:
    """The parts of a volume a worker near its memory budget left (from ``start``), for a fresh worker."""

    path: Path
    stage_dir: Path
    parted: transform.Parted
    start: int
    #: The parameters the first worker transformed with (a volume's withheld documents included).
    parameters: transform.Parameters
    #: The files staged for the volume so far (their names: one made twice is an error).
    staged: tuple[str, ...]
    #: The library records, and what each document made (units), of the runs so far.
    records: tuple[str, ...] = ()
    made: dict = field(default_factory=dict)
    plan: "_Plan | None" = None


def _carry_on(rest: _Rest) -> DocumentBuild | pool.Resume:
    """Transform and stage the runs a worker near its budget left; stop again if this one would pass it too.
    The worker that makes the last run settles the file's library records and units."""
    result = DocumentBuild(rest.path)
    records, made = list(rest.records), dict(rest.made)
    names = {tuple(relative.split("/", 1)) for relative in rest.staged}
    stopped = None
    try:
        envelopes = transform.transform_parted(rest.parted, rest.parameters, rest.start, names, spool=rest.stage_dir)
        stopped = _stage_envelopes(result, envelopes, rest.stage_dir, records, made, rest.parted, rest.start)
    except TransformError as exc:
        result.problems.append(_problem(rest.path, exc.message, exc.hint))
    if result.problems:
        result.staged.clear()
        return result
    if stopped is not None:
        return pool.Resume(result, dataclasses.replace(rest, start=stopped, staged=rest.staged + tuple(result.staged),
                                                       records=tuple(records), made=made))
    _records_done(result, records, made, rest.plan)
    return result


def _joined(done: DocumentBuild, rest: DocumentBuild) -> DocumentBuild:
    """A file's build from its first worker's runs and the rest's (:func:`_carry_on`): as if one worker had
    made it all (the rest's last worker settled the records and units); a failure in the rest places
    nothing of it."""
    if rest.problems:
        done.problems.extend(rest.problems)
        done.staged.clear()
        done.index_card = None
        done.data.clear()
        return done
    done.staged.update(rest.staged)
    if LIBRARY_DATA in rest.data:
        done.data[LIBRARY_DATA] = rest.data[LIBRARY_DATA]
    done.units.update(rest.units)
    done.reused += rest.reused
    done.units_kept += rest.units_kept
    return done


@dataclass(frozen=True)
class UnitReuse:
    """What a worker needs to keep the unchanged documents of a changed volume (:func:`_unit_plan`): the
    output folder (its cache record of the file) and the hash of what else every document's outputs
    depend on: the toolkit, the options without the site, the file's path (:func:`_unit_salt`)."""

    out_dir: Path
    salt: str


@dataclass
class _Plan:
    keys: dict[str, str]
    order: list[str]
    kept: dict[str, dict]
    skip: frozenset[int]


def _unit_plan(document: Document, profile: kinds.Kind, formats: tuple[str, ...], parameters: transform.Parameters,
               targets: pointers.StylesheetTargets, reuse: UnitReuse | None) -> _Plan | None:
    """Which documents of a file of many (a FRUS volume: its kind's ``units``) need not be made again.

    Each document's key is the SHA-256 of :class:`UnitReuse` ``salt``, the kind, the files its pointers
    may open (their bytes) and what the kind says its outputs read (:attr:`toolkit.kinds.Kind.units`).
    A document whose key is the one its file's cache record holds for it, and whose files from then are
    all still there, is not transformed: its files are kept. None (everything is made) without a
    ``reuse``, for a kind without ``units``, with a format that assembles its files afterwards, or when
    the kind cannot tell the documents apart."""
    if (reuse is None or profile.units is None or profile.parts is None
            or any(getattr(output_formats.get(name), "assemble", None) for name in formats)):
        return None
    import hashlib
    import json

    listed = profile.units(document.root, json.loads(parameters.site or "{}"), targets.pointers,
                           document.path.name.removesuffix(".xml"))
    if listed is None:
        return None
    linked = [f"{key}={cache.file_digest(Path(path))}" for key, path in sorted(targets.documents.items())]
    salt = hashlib.sha256(cache.key_bytes("\0".join([reuse.salt, profile.name, *linked])))
    keys = {}
    for identifier, depends in listed:
        if depends is not None:
            digest = salt.copy()
            digest.update(depends)
            keys[identifier] = digest.hexdigest()
    record = cache.Cache(reuse.out_dir).read(_source_key(document.path))
    earlier = record.units if record is not None else {}
    kept = {identifier: earlier[identifier] for identifier, key in keys.items()
            if identifier in earlier and earlier[identifier].get("key") == key
            and all(os.path.isfile(reuse.out_dir / relative) for relative in earlier[identifier].get("files", []))}
    skip = frozenset(position for position, (identifier, _) in enumerate(listed, 1) if identifier in kept)
    return _Plan(keys, [identifier for identifier, _ in listed], kept, skip)


def _units_done(result: DocumentBuild, plan: _Plan, made: dict[str, tuple[list[str], list[str]]]) -> list[str]:
    """Record each document's files, key and library records (made now, or kept: ``result.reused``), and
    return the file's library records in document order (``<t:records>``), as a transformation of the
    whole file gives them."""
    for identifier, (files, records) in made.items():
        result.units[identifier] = {"key": plan.keys.get(identifier), "files": files, "records": records}
    for identifier, unit in plan.kept.items():
        result.units[identifier] = unit
        result.reused += unit.get("files", [])
    result.units_kept = len(plan.kept)
    texts = [text for identifier in plan.order if identifier in result.units
             for text in result.units[identifier].get("records", [])]
    return [transform.wrap_records(texts)] if texts else []


# Worker processes (toolkit/pool.py): the stylesheets are compiled once, by the initializer.
_worker_state: dict = {}


def _init_worker(formats: tuple[str, ...], parameters: transform.Parameters, validating: bool,
                 registered: tuple[output_formats.Format, ...] = (), kind_folders: tuple[Path, ...] = (),
                 strict: bool = False, found: project.Project | None = None) -> None:
    # What the parent added at run time: a spawned worker starts from the built-in formats and kinds.
    for added in registered:
        output_formats.register(added)
    kinds.load_folders(kind_folders)
    # The parent's project for the worker's life: project.current() looked for it again (two stat calls a
    # folder up) four times a document (toolkit/project.py, fixed and pin).
    project.pin(found)
    _worker_state.update(formats=formats, parameters=parameters, validating=validating, strict=strict, error=None)
    try:
        transform.compile_all()
    except TransformError as exc:
        _worker_state["error"] = exc


def _build_in_worker(job: "tuple[Path, Path, Path, UnitReuse | None] | _Rest | _Again"
                     ) -> DocumentBuild | pool.Resume:
    """A worker's task: an input (checked, when validating, and transformed), the parts of a volume another
    worker left (:class:`_Rest`), or an input to transform again with the settled site (:class:`_Again`)."""
    state = _worker_state
    if state["error"] is not None:
        raise state["error"]  # the stylesheet does not compile: the parent stops the build
    path = job[0] if isinstance(job, tuple) else job.path
    try:
        if isinstance(job, _Rest):
            return _carry_on(job)
        if isinstance(job, _Again):
            return _transform_again(job)
        path, root, stage_dir, reuse = job
        if state["validating"]:
            return check_and_build(path, stage_dir, state["formats"], state["parameters"], root, state["strict"],
                                   reuse)
        return build_document(path, stage_dir, state["formats"], state["parameters"], root, reuse)
    except output.OutputError:
        raise  # a full disk stops the run
    except ToolkitError as exc:
        return DocumentBuild(path, problems=[_problem(path, exc.message, exc.hint)])


def _registered_at_run_time() -> tuple[output_formats.Format, ...]:
    return tuple(output for output in output_formats.all_formats() if output not in output_formats.BUILT_IN)


#: An input this large is worth a worker process of its own (a FRUS volume is 0.5 to 20 MB).
LARGE_INPUT = 1_000_000


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _weight(job: "tuple[Path, Path, Path, UnitReuse | None] | _Rest | _Again") -> int:
    """A worker's task as the pool weighs it (toolkit/pool.py, ``weigh``), which what its start adds to the
    worker's memory follows: an input is parsed twice (lxml's tree, held while Saxon's is made: twice its
    bytes), the rest of a volume once (Saxon's tree: its characters). Measured (bench/README.md, "Handed on
    before the budget"): volume V's start adds 118-129 MB as an input and 52-56 MB as a rest."""
    if isinstance(job, _Rest):
        return len(job.parted.text)
    return 2 * _size(job[0] if isinstance(job, tuple) else job.path)


def _build_all(jobs_list: list[tuple[Path, Path, Path, UnitReuse | None]], formats: tuple[str, ...],
               parameters: transform.Parameters, jobs: int, validating: bool,
               strict: bool = False) -> list[DocumentBuild]:
    """Check (when ``validating``) and build each (document, its confinement root, its staging folder).

    Inputs of a megabyte or more (whole FRUS volumes) go to the workers even when there are only a few,
    even one (the pool bounds a worker's memory, replacing it between two parts of a volume, where this
    process's it cannot), one at a time and the largest first, so that the last one to finish is a small one."""
    sizes = {job[0]: _size(job[0]) for job in jobs_list}
    threshold, chunksize = PARALLEL_THRESHOLD, None
    if max(sizes.values(), default=0) >= LARGE_INPUT:
        jobs_list = sorted(jobs_list, key=lambda job: -sizes[job[0]])
        threshold, chunksize = 1, 1
    with project.fixed() as found:  # a pin made by the initializer run in this process ends with the run
        results = list(pool.imap(_build_in_worker, jobs_list, jobs=jobs, initializer=_init_worker,
                                 initargs=(formats, parameters, validating, _registered_at_run_time(),
                                           kinds.loaded_folders(), strict, found),
                                 threshold=threshold, chunksize=chunksize, merge=_joined, weigh=_weight))
    if _worker_state.get("error") is not None:  # worked in this process: a stylesheet that does not compile
        raise _worker_state.pop("error")
    return results


# ---------------------------------------------------------------------------
# The edition
# ---------------------------------------------------------------------------

def _source_key(path: Path) -> str:
    return str(confine.real_path(path) or path)


def _same_file(first: Path, second: Path) -> bool:
    """One file under two names (a hard link, a path through a symbolic link)."""
    try:
        return os.path.samefile(first, second)
    except (OSError, ValueError):
        return False


def _check_collisions(results: list[DocumentBuild], folder: output.OutputFolder, edition_names: set[str]) -> None:
    """Outputs that cannot all be put in place are found before anything is written: two documents
    that would write the same file both fail, naming each other; so does a document that would
    overwrite an edition file or another document's earlier output, or whose file would need a
    folder where another output, or the output folder, has a file (a FRUS volume whose ``idno``
    is ``index.html``), or the other way round."""
    makers: dict[str, DocumentBuild] = {}
    built_now = {_source_key(result.path) for result in results if result.staged}
    clashes: dict[int, list[str]] = {}
    for result in results:
        for relative in result.staged:
            other = makers.setdefault(relative, result)
            if relative in edition_names or (edition_names and relative.startswith(EDITION_FOLDERS)):
                clashes.setdefault(id(result), []).append(f"{relative} is the edition's own file")
            elif other is not result:
                clashes.setdefault(id(result), []).append(f"{relative} is also made by {display_path(other.path)}")
                clashes.setdefault(id(other), []).append(f"{relative} is also made by {display_path(result.path)}")
            else:
                owner = folder.owner(relative)
                if owner and owner not in built_now and owner != _source_key(result.path) and Path(owner).exists() \
                        and not _same_file(Path(owner), result.path):
                    clashes.setdefault(id(result), []).append(
                        f"{relative} was written for {display_path(Path(owner))}, which still exists")
    edition = DocumentBuild(Path("the edition"))
    shown = {id(result): display_path(result.path) for result in results if result.staged}  # once a document, not a file
    names = {relative: shown[id(result)] for relative, result in makers.items()}
    names.update({relative: "the edition" for relative in edition_names})
    owners = {relative: makers.get(relative, edition) for relative in names}
    for relative, (reason, other) in folder.placement_problems(names).items():
        if owners[relative] is edition and other is not None:
            continue  # a document's output in the way of the edition's file: the document fails
        clashes.setdefault(id(owners[relative]), []).append(reason)
    for result in results:
        if id(result) in clashes:
            reasons = sorted(set(clashes[id(result)]))
            result.problems.append(_problem(
                result.path, f"two outputs would take the same place: {'; '.join(reasons)}",
                "give each document its own TEI/@xml:id (FRUS: publicationStmt/idno), which names the output files"))
            result.staged.clear()
            result.reused.clear()
            result.index_card = None
    if id(edition) in clashes:
        reasons = "; ".join(sorted(set(clashes[id(edition)])))
        raise output.OutputError(f"the edition's own files cannot be put in place: {reasons}",
                                 path=display_path(folder.out_dir),
                                 hint="move what is in their way, or build into another --out")


def _index_entries(results: list[DocumentBuild], valid: set[Path], out_dir: Path,
                   folder: output.OutputFolder, placed: set[str]) -> list[transform.IndexEntry]:
    """The documents the index page lists: those with a page (placed now, or from an earlier build),
    shown by the card of their last successful build: an invalid document is shown as it last built."""
    entries = []
    for result in results:
        if result.skipped:
            continue
        card = result.index_card
        if card is None and not result.staged:
            card = folder.manifest.get(_source_key(result.path), output.Entry()).card
        pages = _card_pages(card) or [relative.removeprefix("html/") for relative in result.staged
                                      if relative.count("/") == 1 and relative.startswith("html/")
                                      and relative.endswith(".html")]
        if not pages and result.path in valid:
            try:
                document = parse_document(result.path)
            except ToolkitError:
                continue
            pages = [f"{_document_id(document.root, result.path)}.html"]
        if pages and (f"html/{pages[0]}" in placed or (out_dir / "html" / pages[0]).exists()):
            entries.append((result.path, pages[0], card))
    return entries


def _card_pages(card: str | None) -> list[str]:
    page = etree.fromstring(card).get("page") if card else None
    return [page] if page else []


def _document_id(root: etree._Element, path: Path) -> str:
    return root.get("{http://www.w3.org/XML/1998/namespace}id") or path.stem


EDITION_NAMES = {f"html/{asset.name}" for asset in PAGE_ASSETS} | {"html/index.html", "html/search/index.html"}
#: Folders of the output that are the edition's own, whole (a document writing into one fails).
EDITION_FOLDERS = (search.INDEX_FOLDER + "/", *(f"html/{name}/" for name in library.SITE_FOLDERS))


def _stage_edition_files(results: list[DocumentBuild], valid: set[Path], out_dir: Path,
                         folder: output.OutputFolder, staged: dict[str, Path],
                         parameters: transform.Parameters, jobs: int = 1
                         ) -> tuple[dict[str, Path], dict[str, dict[str, list[str]]]]:
    """Stage the page assets, the index page and the library's pages; and give the search index's filters
    that come from the registers (:func:`toolkit.library.search_filters`)."""
    edition: dict[str, Path] = {}
    place = folder.staging / "edition"
    for asset in PAGE_ASSETS:
        relative = f"html/{asset.name}"
        # The toolkit's own file, not an input: --max-size (a limit for documents) does not apply.
        edition[relative] = folder.stage(place, relative, asset.read_bytes())
    entries = _index_entries(results, valid, out_dir, folder, set(staged))
    records, found = _library_registers(results, folder)
    tasks = [(SITE_INDEX, entries)] + [(SITE_LIBRARY, part) for part in library.manifests(records, found)]
    for item in _site_pages(tasks, out_dir / "html", parameters, jobs):
        relative = f"html/{item.name}"
        edition[relative] = folder.stage(place, relative, item.content)
    for kind, register in found.items():
        relative = f"html/{library.FOLDERS[kind]}/index.json"
        edition[relative] = folder.stage(place, relative, library.as_json(kind, register))
    edition[LIBRARY_REPORT] = folder.stage(place, LIBRARY_REPORT, library.report(found))
    return edition, library.search_filters(records, found)


def _library_registers(results: list[DocumentBuild], folder: output.OutputFolder
                       ) -> tuple[list[etree._Element], dict[str, dict[str, library.Entry]]]:
    """The records the registers and the chronology (toolkit/library.py) are made of, from every document's
    records (``data``, kept in its cache record): those of this build or of its kept build; a document that
    fails now is shown by those of its last successful build, as the index page shows it by its last card.
    With them, the registers."""
    previous = cache.Cache(folder.out_dir)
    texts = []
    for result in results:
        if result.skipped:
            continue
        records = result.data.get(LIBRARY_DATA)
        if records is None and not result.staged:
            record = previous.read(_source_key(result.path))
            records = record.data.get(LIBRARY_DATA) if record is not None else None
        if records:
            texts.append(records)
    records = library.parse_records(texts)
    return records, library.registers(records)


#: The site-wide transformations (:func:`_site_pages`): the index page, and one part of the library's pages.
SITE_INDEX, SITE_LIBRARY = "index", "library"


#: Manifest bytes of site-wide work (a register's or the chronology's ``<t:library>``) worth a worker process of
#: its own: starting one (an interpreter, Saxon, the stylesheet compiled) costs about 0.35 CPU s, and the pages
#: some 0.3 CPU s a MB of manifest (bench/README.md, "The site-wide pages"): below this, one worker makes them all.
SITE_BYTES_PER_WORKER = 4 << 20


def _site_pages(tasks: list[tuple[str, object]], html_dir: Path, parameters: transform.Parameters,
                jobs: int) -> list[output_formats.OutputFile]:
    """The site-wide pages, one transformation a task (the index page; each register; the chronology). In this
    process when the build runs in one (``--jobs 1``) or this process has transformed the documents itself
    (few of them: Saxon and the stylesheet are loaded here already, a worker would load them again); else in
    worker processes, one a :data:`SITE_BYTES_PER_WORKER` of manifests, at least one: Saxon, and what a
    transformation over the whole library holds, stay out of this process, whose memory then follows the
    inputs' records and outputs' names alone (bench/README.md, "300 MB"). The pages come back in the order of
    the tasks."""
    workers = site_workers([len(value) for _, value in tasks if isinstance(value, str)], jobs,
                           saxon_here="saxonche" in sys.modules)
    with project.fixed() as found:
        pieces = pool.imap(_site_pages_in_worker, [(kind, value, html_dir) for kind, value in tasks],
                           jobs=jobs if workers else 1, initializer=_init_site_worker,
                           initargs=(parameters, _registered_at_run_time(), kinds.loaded_folders(), found),
                           threshold=1, chunksize=-(-len(tasks) // max(workers, 1)))
        return [item for piece in pieces for item in piece]


def site_workers(manifest_sizes: list[int], jobs: int, saxon_here: bool) -> int:
    """How many worker processes make the site-wide pages of manifests of ``manifest_sizes`` bytes (0: this
    process does, :func:`_site_pages`)."""
    if jobs <= 1 or saxon_here:
        return 0
    return max(1, min(jobs, sum(manifest_sizes) // SITE_BYTES_PER_WORKER))


def _init_site_worker(parameters: transform.Parameters, registered: tuple[output_formats.Format, ...],
                      kind_folders: tuple[Path, ...], found: project.Project | None) -> None:
    for added in registered:
        output_formats.register(added)
    kinds.load_folders(kind_folders)
    project.pin(found)
    _worker_state["site parameters"] = parameters


def _site_pages_in_worker(task: tuple[str, object, Path]) -> list[output_formats.OutputFile]:
    kind, value, html_dir = task
    parameters = _worker_state["site parameters"]
    if kind == SITE_INDEX:
        return transform.index_page(value, html_dir, parameters)
    return transform.library_pages(value, html_dir, parameters)


#: The name of the library records in a document's ``data`` (and its cache record).
LIBRARY_DATA = "library"
#: The name of what a document's pages link of the site (:func:`toolkit.site.links`) in its ``data``.
SITE_LINKS = "site-links"
#: The report of the registers' merges and near misses, in the output folder (the build prints its path).
LIBRARY_REPORT = "registers-report.txt"


def _plan_manifest(folder: output.OutputFolder, results: list[DocumentBuild],
                   formats: tuple[str, ...]) -> tuple[dict[str, output.Entry], set[str]]:
    """What each document built now owns (the manifest's entries), and what the build owned and no longer
    makes (to remove). A document not built now (invalid, or unchanged) keeps its entry and its files."""
    entries = dict(folder.manifest)
    stale: set[str] = set()
    for result in results:
        if not result.staged:
            continue
        key = _source_key(result.path)
        old = entries.get(key, output.Entry())
        made = set(result.staged) | set(result.reused)  # reused: its documents' files kept (_unit_plan)
        kept = [relative for relative in old.files if relative.split("/", 1)[0] not in formats]
        stale.update(relative for relative in old.files if relative.split("/", 1)[0] in formats
                     and relative not in made)
        card = result.index_card if "html" in formats else old.card
        entries[key] = output.Entry(kept + sorted(made), card)
    for key in [key for key in entries if not Path(key).exists()]:  # the document was removed
        stale.update(entries.pop(key).files)
    return entries, stale


def _unit_salt(formats: tuple[str, ...], parameters: transform.Parameters, root: Path | None, strict: bool) -> str:
    """What every document of a file transformed in parts depends on besides the file and the site
    (:func:`_unit_plan`): the toolkit and the options of :func:`_kept_inputs` less ``t:site``, whose part
    a document reads is in its own key (:attr:`toolkit.kinds.Kind.units`)."""
    options = cache.options_fingerprint(formats, parameters.edition_url, parameters.access_date, root,
                                        confine.max_size(), (f"strict={strict}", f"profile={parameters.profile}",
                                                             f"title={parameters.site_title}", project.fingerprint()))
    return f"{cache.toolkit_fingerprint()}\0{options}"


def _kept_inputs(files: list[Path], records: cache.Cache, out_dir: Path, formats: tuple[str, ...],
                 parameters: transform.Parameters, root: Path | None,
                 validating: bool, strict: bool) -> tuple[dict[Path, str], dict[Path, DocumentBuild]]:
    """Each input's cache key, and the inputs whose outputs are kept (:mod:`toolkit.cache`), as they last built."""
    from toolkit import validate as validation

    options = cache.options_fingerprint(formats, parameters.edition_url, parameters.access_date, root,
                                        confine.max_size(), (f"strict={strict}", parameters.site or "",
                                                             f"profile={parameters.profile}",
                                                             f"title={parameters.site_title}", project.fingerprint()))
    toolkit = cache.toolkit_fingerprint()
    keys: dict[Path, str] = {}
    kept: dict[Path, DocumentBuild] = {}
    for path in files:
        digest = records.digest(path)
        if digest is None:
            continue
        keys[path] = key = cache.input_key(digest, toolkit, options)
        record = records.read(_source_key(path))
        if record is None or not records.still_valid(record, key, out_dir, validating):
            continue
        # Its own problems as they were found, named the way this run names the file.
        problems = [dataclasses.replace(problem, path=display_path(path)) for problem in record.problems]
        check = validation.DocumentResult(path, problems, record.facts, record.profile) if validating else None
        kept[path] = DocumentBuild(path, skipped=record.skipped, index_card=record.card, check=check,
                                   linked=list(record.linked), data=record.data, kept=list(record.files),
                                   published_in_part=record.published_in_part, withheld=record.withheld)
    return keys, kept


def _stage_records(records: cache.Cache, folder: output.OutputFolder, results: list[DocumentBuild],
                   keys: dict[Path, str], own_problems: dict[Path, list[Problem]],
                   validating: bool) -> tuple[dict[str, Path], set[str]]:
    """Stage a cache record for each input built now without an error (none for the others: they are built
    again next time); and name the records of inputs that are gone, for the commit to remove."""
    staged: dict[str, Path] = {}
    current = set()
    for result in results:
        source = _source_key(result.path)
        current.add(cache.record_name(source))
        if result.kept or result.failed or result.path not in keys or not (result.staged or result.skipped):
            continue
        check = result.check
        record = cache.Record(source, keys[result.path], validating, check.profile if check else None,
                              records.linked_digests(result.linked), own_problems.get(result.path, []),
                              check.facts if check else None, sorted(set(result.staged) | set(result.reused)),
                              result.index_card, result.skipped, result.data, result.published_in_part,
                              result.withheld, result.units)
        relative = f"{cache.CACHE_DIR}/{cache.record_name(source)}"
        staged[relative] = folder.stage(folder.staging / "cache", relative, record.as_json())
    gone = set()
    for name in set(records.names()) - current:
        record = records.read_file(name)
        if record is None or not Path(record.source).exists():
            gone.add(f"{cache.CACHE_DIR}/{name}")
    return staged, gone


def _settle_site(surveyed: site.Site, results: list[DocumentBuild], files: list[Path], folder: output.OutputFolder,
                 formats: tuple[str, ...], parameters: transform.Parameters, selection: confine.Selection,
                 reuse: dict[Path, UnitReuse] | None = None, jobs: int = 1) -> None:
    """Transform again, with the site as the build published it (:func:`toolkit.site.settled`), each
    input whose pages link a document of another volume that turned out to have no page (kept back by its
    errors, or its whole volume), so that the link leads to history.state.gov, never to a missing page;
    and each kept from an earlier build whose links the site answers otherwise now (a document published
    again). Of a volume, only the documents whose links the site changed are transformed (``reuse``: the
    others' files are kept). In the worker pool, as the first pass: a volume's Saxon stays out of this
    process."""
    outcomes: dict[Path, dict[str, str] | None] = {}
    for result in results:
        if result.path in surveyed.volume_of:
            outcomes[result.path] = result.withheld if result.staged or result.kept else None
    final = site.settled(surveyed, outcomes)
    final_parameters = dataclasses.replace(parameters, site=final.as_json())
    # A staging folder of its own (staged files are never overwritten): those after the first pass's.
    slots = {path: folder.slot(len(files) + index) for index, path in enumerate(files)}
    pages = final.pages()
    again = [result for result in results
             if (result.staged or result.kept) and site.changed(result.data.get(SITE_LINKS, {}), pages)]
    if not again:
        return
    jobs_list = [_Again(result.path, selection.root_of(result.path), slots[result.path],
                        result.check.profile if result.check is not None and result.check.profile else None,
                        dict(result.withheld), (reuse or {}).get(result.path)) for result in again]
    with project.fixed() as found:
        fresh_results = list(pool.imap(_build_in_worker, jobs_list, jobs=jobs, initializer=_init_worker,
                                       initargs=(formats, final_parameters, False, _registered_at_run_time(),
                                                 kinds.loaded_folders(), False, found),
                                       threshold=1, chunksize=1, merge=_joined, weigh=_weight))
    if _worker_state.get("error") is not None:  # worked in this process: a stylesheet that does not compile
        raise _worker_state.pop("error")
    for result, fresh in zip(again, fresh_results):
        result.kept, result.reused, result.units, result.units_kept = [], [], {}, 0
        if fresh.problems:
            result.problems.extend(fresh.problems)
            result.staged.clear()
            result.index_card = None
            continue
        result.staged, result.index_card = fresh.staged, fresh.index_card
        result.reused, result.units, result.units_kept = fresh.reused, fresh.units, fresh.units_kept
        result.data.update(fresh.data)
        result.linked = sorted(set(result.linked) | set(fresh.linked))


@dataclass(frozen=True)
class _Again:
    """An input to transform again with the site as the build published it (:func:`_settle_site`); its
    verdict and what it keeps back stay as they were."""

    path: Path
    root: Path | None
    stage_dir: Path
    profile: str | None
    withheld: dict[str, str]
    reuse: "UnitReuse | None" = None


def _transform_again(job: _Again) -> DocumentBuild | pool.Resume:
    """Stage an input's outputs anew with the worker's parameters (the settled site). A failure leaves it
    with nothing new, as any failure."""
    parameters = _worker_state["parameters"]
    try:
        document = parse_document(job.path)
    except DocumentError as exc:
        return DocumentBuild(job.path, problems=[exc.problem])
    profile = (project.kind_named(job.profile, project.current()) if job.profile
               else project.kind_for(job.path, document.root, parameters.profile))
    if job.withheld:
        parameters = dataclasses.replace(parameters, site=site.with_withheld(parameters.site, document.root,
                                                                             job.withheld))
    return _transform_parsed(DocumentBuild(job.path), document, profile, job.stage_dir, _worker_state["formats"],
                             parameters, job.root, job.reuse)


def _search_pages(out_dir: Path, entries: dict[str, output.Entry], staged: dict[str, Path]) -> dict[str, Path]:
    """Every document page the output holds after this build (address under html/ -> its file now):
    staged now, or kept from an earlier build."""
    pages = {}
    for entry in entries.values():
        for relative in entry.files:
            if relative.startswith("html/") and relative.endswith(".html"):
                path = staged.get(relative) or out_dir / relative
                if path.is_file():
                    pages[relative.removeprefix("html/")] = path
    return pages


def _pages_changed(out_dir: Path, staged: dict[str, Path], stale: set[str]) -> bool:
    """Whether the search index must be made again: a page was built or removed, or there is none."""
    def page(relative: str) -> bool:
        return relative.startswith("html/") and relative.endswith(".html")

    return (not (out_dir / search.RECORDED_FILES[-1]).is_file()
            or any(map(page, staged)) or any(map(page, stale)))


def _stage_search_index(out_dir: Path, folder: output.OutputFolder, entries: dict[str, output.Entry],
                        staged: dict[str, Path], filters: dict[str, dict[str, list[str]]]
                        ) -> tuple[search.IndexResult, dict[str, Path], set[str]]:
    """Index every document page the output will hold into the staging folder, a shard an input, keeping
    the shards of the earlier index that would be made the same (:func:`toolkit.search.write_index`): what
    it holds, its files (relative name -> staged path) and the files of the earlier index that go."""
    target = folder.staging / "search" / "pagefind"
    earlier = out_dir / search.INDEX_FOLDER
    whole = earlier.is_dir() and not earlier.is_symlink()
    result = search.write_index(_search_pages(out_dir, entries, staged), target, filters, earlier if whole else None)
    made = {f"{search.INDEX_FOLDER}/{path.relative_to(target).as_posix()}": path
            for path in sorted(target.rglob("*")) if path.is_file()}
    kept = {f"{search.INDEX_FOLDER}/{relative}" for relative in result.kept_files}
    old = ({f"{search.INDEX_FOLDER}/{path.relative_to(earlier).as_posix()}" for path in earlier.rglob("*")
            if path.is_file() and not path.is_symlink()} if whole else set())
    return result, made, old - set(made) - kept


def build(paths: list[Path] | tuple[Path, ...] = (), out_dir: Path = BUILD_DIR,
          formats: tuple[str, ...] = (), *, validate: bool = True,
          edition_url: str = transform.DEFAULT_EDITION_URL, access_date: _dt.date | None = None,
          jobs: int | None = None, root: Path | None = None, strict: bool = False,
          search_index: bool = True, profile: str | None = None, site_title: str | None = None) -> BuildResult:
    """Validate ``paths`` (default: the edition) and build ``formats`` (default: every registered
    format, :mod:`toolkit.formats`) into ``out_dir``;
    ``root`` widens the folder pointers are confined to (:mod:`toolkit.confine`); ``profile`` holds every
    document to one kind (``--profile``); ``site_title`` names the site (the project's title). Every file is
    staged first and put in place only when the whole run is staged (:mod:`toolkit.output`).
    A FRUS volume with errors is published document by document unless ``strict`` (:func:`publication`);
    the inputs are told of each other first (:mod:`toolkit.site`), so links between them stay local.
    With the HTML, the search index of every document page is staged too (:mod:`toolkit.search`),
    unless ``search_index`` is false or no page changed."""
    started = time.perf_counter()
    jobs = jobs or os.cpu_count() or 1
    known = output_formats.names()
    formats = tuple(output_format for output_format in known if output_format in formats) if formats else known
    if not formats:
        raise UsageError("no output format chosen", hint=f"choose from {', '.join(known)}")
    selection = confine.select(paths, root)
    files = selection.files
    project.check_profile(profile)
    surveyed = site.survey(files)
    parameters = transform.Parameters(edition_url=edition_url, access_date=access_date,
                                      site=surveyed.as_json(), site_title=site_title, profile=profile)
    folder = output.OutputFolder(out_dir)
    records = cache.Cache(out_dir)
    try:
        keys, built = _kept_inputs(files, records, out_dir, formats, parameters, root, validate, strict)
        salt = _unit_salt(formats, parameters, root, strict)
        reuse = {path: UnitReuse(out_dir, hashlib.sha256(cache.key_bytes(f"{salt}\0{_source_key(path)}")).hexdigest())
                 for path in files}
        to_build = [(path, selection.root_of(path), folder.slot(number), reuse[path])
                    for number, path in enumerate(files) if path not in built]
        built.update((result.path, result)
                     for result in _build_all(to_build, formats, parameters, jobs, validate, strict))
        own_problems = {path: list(built[path].check.problems) for path in files if built[path].check}
        if validate:
            # The references between files, now that every document's own checks are in (kept ones too).
            from toolkit import validate as validation

            for result in built.values():
                if result.check is None:  # the worker failed before any verdict: its problems are the verdict
                    result.check, result.problems = validation.DocumentResult(result.path, result.problems), []
            report = validation.finish([built[path].check for path in files], selection)
            problems = {document.path: list(document.problems) for document in report.documents}
            valid_set = set(report.valid_paths)
            valid_set.update(path for path in files if built[path].published_in_part)
            for path in files:
                if path not in valid_set:  # invalid after all (a pointer into another file): nothing of it is placed
                    built[path].staged.clear()
                    built[path].reused.clear()
                    built[path].index_card = built[path].skipped = None
        else:
            valid_set = set(files)
            problems = {path: [_problem(path, f"not read: the entry is {why}")] for path, why in selection.refused}
            for path, repeated in selection.repeated_problems().items():
                problems.setdefault(path, []).extend(repeated)

        results = []
        for path in files + [path for path, _ in selection.refused]:
            result = built.get(path) or DocumentBuild(path)
            result.problems[:0] = problems.get(path, [])
            results.append(result)
        _check_collisions(results, folder, EDITION_NAMES if "html" in formats else set())
        _settle_site(surveyed, results, files, folder, formats, parameters, selection, reuse, jobs)

        staged = {relative: path for result in results for relative, path in result.staged.items()}
        edition, filters = (_stage_edition_files(results, valid_set, out_dir, folder, staged, parameters, jobs)
                            if "html" in formats else ({}, {}))
        entries, stale = _plan_manifest(folder, results, formats)
        record_files, gone = _stage_records(records, folder, results, keys, own_problems, validate)
        index, index_remove, index_result, index_seconds = {}, set(), None, 0.0
        if "html" in formats and search_index and _pages_changed(out_dir, staged, stale):
            index_started = time.perf_counter()
            index_result, index, index_remove = _stage_search_index(out_dir, folder, entries, staged, filters)
            index_seconds = time.perf_counter() - index_started
        recorded = list(edition) + [name for name in search.RECORDED_FILES if name in index]
        # Everything is staged, the manifest, cache records and search index too: only now does any
        # output change, in one commit.
        folder.commit({**staged, **edition, **record_files, **index}, stale | gone | index_remove,
                      (entries, recorded))
        edition_files = [out_dir / relative for relative in [*edition, *index]]
        for result in results:
            result.files = [out_dir / relative for relative in result.staged]
    finally:
        folder.discard()
    report = out_dir / LIBRARY_REPORT
    return BuildResult(out_dir=out_dir, formats=formats, documents=results, edition_files=edition_files,
                       library_report=report if report in edition_files else None,
                       seconds=time.perf_counter() - started, search_result=index_result, search_seconds=index_seconds)
