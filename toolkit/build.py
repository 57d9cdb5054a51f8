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

A handful of documents are transformed in this process; more go to a pool of
worker processes, each of which compiles the stylesheet once. The parent
process does not load Saxon while the workers run (each Saxon holds a heap of
a few hundred MB); it does so afterwards, for the index page.
"""

from __future__ import annotations

import datetime as _dt
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from toolkit import confine, output, search, transform
from toolkit.errors import Problem, ProblemCollection, ToolkitError, TransformError, UsageError
from toolkit.paths import BUILD_DIR, XSLT_DIR, display_path
from toolkit.xmlio import NS, DocumentError, parse_document, read_bytes

FORMATS = transform.FORMATS
#: Copied beside the pages: their style and their small script (views, cards).
PAGE_ASSETS = (XSLT_DIR / "edition.css", XSLT_DIR / "edition.js", XSLT_DIR / "search.js")
# Below this many documents, starting worker processes costs more than it saves.
PARALLEL_THRESHOLD = 8


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

    @property
    def failed(self) -> bool:
        return any(problem.severity == "error" for problem in self.problems)


@dataclass
class BuildResult(ProblemCollection):
    """The outcome of a build."""

    out_dir: Path
    formats: tuple[str, ...]
    documents: list[DocumentBuild]
    #: Files that belong to the edition rather than a document (index page, CSS).
    edition_files: list[Path] = field(default_factory=list)
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

    def summary(self) -> str:
        built, failed = len(self.built), len(self.failed)
        skipped = sum(1 for document in self.documents if document.skipped)
        parts = [f"{built} document{'s' * (built != 1)} built ({', '.join(self.formats)})",
                 f"{len(self.written)} file{'s' * (len(self.written) != 1)} written to {display_path(self.out_dir)}"]
        if skipped:
            parts.append(f"{skipped} without text skipped")
        if failed:
            parts.append(f"{failed} failed, earlier outputs kept")
        if self.search_result is not None:
            parts.append(f"search index of {self.search_result.pages} page{'s' * (self.search_result.pages != 1)} "
                         f"in {self.search_seconds:.2f} s")
        return "; ".join(parts) + f" in {self.seconds:.2f} s"


def parse_formats(text: str | None) -> tuple[str, ...]:
    """``"html,cite"`` as a tuple of known formats in build order (default: all)."""
    if not text:
        return FORMATS
    wanted = [item.strip().lower() for item in text.split(",") if item.strip()]
    unknown = [item for item in wanted if item not in FORMATS]
    if unknown or not wanted:
        raise UsageError(f'unknown output format "{",".join(unknown) or text}"',
                         hint=f"choose from {', '.join(FORMATS)}, separated by commas")
    return tuple(output for output in FORMATS if output in wanted)


# ---------------------------------------------------------------------------
# One document
# ---------------------------------------------------------------------------

def _problem(path: Path, message: str, hint: str | None = None) -> Problem:
    return Problem(display_path(path), 1, 1, message, hint=hint, step="transform")


def build_document(path: Path, stage_dir: Path, formats: tuple[str, ...],
                   parameters: transform.Parameters, root: Path | None = None) -> DocumentBuild:
    """Transform one (already validated) document and stage its files in ``stage_dir``
    (``FORMAT/NAME``); :func:`build` puts them in place when the whole run is staged."""
    result = DocumentBuild(path)
    try:
        document = parse_document(path)
    except DocumentError as exc:
        result.problems.append(exc.problem)
        return result
    if document.root.find("tei:text", NS) is None and document.root.find("tei:TEI/tei:text", NS) is None:  # TEI, teiCorpus
        result.skipped = "no <text>: nothing to publish (an authority or stand-off file)"
        return result
    try:
        envelope = transform.transform(document, formats, parameters, root=root)
    except TransformError as exc:
        result.problems.append(_problem(path, exc.message, exc.hint))
        return result
    outputs = {f"{item.format}/{item.name}": item.content for item in envelope.files}
    too_long = next(filter(None, map(output.name_problem, outputs)), None)
    if too_long:
        result.problems.append(_problem(path, too_long, "shorten the TEI/@xml:id, which names the outputs"))
        return result
    result.index_card = envelope.card
    for relative, content in outputs.items():
        try:
            output.write_file(stage_dir / relative, content)
        except OSError as exc:
            raise output.OutputError(f"the outputs could not be written (earlier outputs kept): {exc.strerror}",
                                     path=display_path(stage_dir.parent.parent)) from None
        result.staged[relative] = stage_dir / relative
    return result


# Worker processes: the stylesheets are compiled once, by the initializer.
_worker_state: dict = {}


def _die_with_parent() -> None:
    """Linux: the kernel sends this worker SIGTERM when its parent dies, even of kill -9."""
    try:
        import ctypes
        import signal

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _init_worker(formats: tuple[str, ...], parameters: transform.Parameters) -> None:
    _die_with_parent()
    _worker_state.update(formats=formats, parameters=parameters, error=None)
    try:
        transform.compile_all()
    except TransformError as exc:
        _worker_state["error"] = exc


def _build_in_worker(job: tuple[Path, Path, Path]) -> DocumentBuild:
    path, root, stage_dir = job
    state = _worker_state
    if state["error"] is not None:
        raise state["error"]  # the stylesheet does not compile: the parent stops the build
    try:
        return build_document(path, stage_dir, state["formats"], state["parameters"], root)
    except output.OutputError:
        raise  # a full disk stops the run
    except ToolkitError as exc:
        return DocumentBuild(path, problems=[_problem(path, exc.message, exc.hint)])


def _build_all(jobs_list: list[tuple[Path, Path, Path]], formats: tuple[str, ...],
               parameters: transform.Parameters, jobs: int) -> list[DocumentBuild]:
    """Build each (document, its confinement root, its staging folder)."""
    if jobs <= 1 or len(jobs_list) < PARALLEL_THRESHOLD:
        transform.compile_all()  # a stylesheet that does not compile stops the build
        return [build_document(path, stage, formats, parameters, root) for path, root, stage in jobs_list]
    # Imported here: a build of a few documents (make of the edition) needs no pool.
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    workers = min(jobs, len(jobs_list))
    # "spawn": a Saxon processor must not be inherited through fork().
    context = multiprocessing.get_context("spawn")
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_init_worker,
                               initargs=(formats, parameters))
    try:
        results = list(pool.map(_build_in_worker, jobs_list, chunksize=max(1, len(jobs_list) // (workers * 4))))
    except BaseException:
        # A failure, Ctrl-C or SIGTERM: stop the workers now rather than let them finish their chunks.
        for process in list(getattr(pool, "_processes", {}).values()):
            process.terminate()
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown(wait=True)
    return results


# ---------------------------------------------------------------------------
# The edition
# ---------------------------------------------------------------------------

def _validate(selection: confine.Selection, jobs: int) -> tuple[list[Path], dict[Path, list[Problem]]]:
    """The valid documents, and every document's problems (warnings included)."""
    from toolkit import validate

    report = validate.validate_paths(selection=selection, jobs=jobs)
    problems = {document.path: list(document.problems) for document in report.documents}
    return report.valid_paths, problems


def _source_key(path: Path) -> str:
    return str(confine.real_path(path) or path)


def _check_collisions(results: list[DocumentBuild], folder: output.OutputFolder, edition_names: set[str]) -> None:
    """Two documents that would write the same file both fail, naming each other, before anything is
    written; so does a document that would overwrite an edition file or another document's earlier output."""
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
                if owner and owner not in built_now and owner != _source_key(result.path) and Path(owner).exists():
                    clashes.setdefault(id(result), []).append(
                        f"{relative} was written for {display_path(Path(owner))}, which still exists")
    for result in results:
        if id(result) in clashes:
            reasons = sorted(set(clashes[id(result)]))
            result.problems.append(_problem(
                result.path, f"two documents would write the same output file: {'; '.join(reasons)}",
                "give each document its own TEI/@xml:id (it names the output files)"))
            result.staged.clear()
            result.index_card = None


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
EDITION_FOLDERS = (search.INDEX_FOLDER + "/",)


def _stage_edition_files(results: list[DocumentBuild], valid: set[Path], out_dir: Path,
                         folder: output.OutputFolder, staged: dict[str, Path],
                         parameters: transform.Parameters) -> dict[str, Path]:
    """Stage the page assets and the index page."""
    edition: dict[str, Path] = {}
    place = folder.staging / "edition"
    for asset in PAGE_ASSETS:
        relative = f"html/{asset.name}"
        edition[relative] = folder.stage(place, relative, read_bytes(asset))
    entries = _index_entries(results, valid, out_dir, folder, set(staged))
    for item in transform.index_page(entries, out_dir / "html", parameters):
        relative = f"html/{item.name}"
        edition[relative] = folder.stage(place, relative, item.content)
    return edition


def _plan_manifest(folder: output.OutputFolder, results: list[DocumentBuild],
                   formats: tuple[str, ...]) -> tuple[dict[str, output.Entry], set[str]]:
    """What each document owns after this build, and the files the build owned and no longer makes."""
    entries = dict(folder.manifest)
    stale: set[str] = set()
    for result in results:
        if not result.staged:
            continue
        key = _source_key(result.path)
        old = entries.get(key, output.Entry())
        kept = [relative for relative in old.files if relative.split("/", 1)[0] not in formats]
        stale.update(relative for relative in old.files if relative.split("/", 1)[0] in formats)
        card = result.index_card if "html" in formats else old.card
        entries[key] = output.Entry(kept + sorted(result.staged), card)
    for key in [key for key in entries if not Path(key).exists()]:  # the document was removed
        stale.update(entries.pop(key).files)
    return entries, stale


def _update_manifest(folder: output.OutputFolder, plan: tuple[dict[str, output.Entry], set[str]],
                     placed: set[str], edition: list[str]) -> None:
    """Record what each document built now owns; remove what the build owned and no longer makes."""
    entries, stale = plan
    folder.remove_owned(stale - placed)
    folder.write_manifest(entries, edition)


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


def build(paths: list[Path] | tuple[Path, ...] = (), out_dir: Path = BUILD_DIR,
          formats: tuple[str, ...] = FORMATS, *, validate: bool = True,
          edition_url: str = transform.DEFAULT_EDITION_URL, access_date: _dt.date | None = None,
          jobs: int | None = None, root: Path | None = None, search_index: bool = True) -> BuildResult:
    """Validate ``paths`` (default: the edition) and build ``formats`` into ``out_dir``;
    ``root`` widens the folder pointers are confined to (:mod:`toolkit.confine`). Every file is
    staged first and put in place only when the whole run is staged (:mod:`toolkit.output`); with
    the HTML, the search index of every document page is staged too (:mod:`toolkit.search`), unless
    ``search_index`` is false."""
    started = time.perf_counter()
    jobs = jobs or os.cpu_count() or 1
    formats = tuple(output_format for output_format in FORMATS if output_format in formats)
    if not formats:
        raise UsageError("no output format chosen", hint=f"choose from {', '.join(FORMATS)}")
    parameters = transform.Parameters(edition_url=edition_url, access_date=access_date)
    selection = confine.select(paths, root)
    files = selection.files
    folder = output.OutputFolder(out_dir)
    try:
        problems: dict[Path, list[Problem]] = {}
        if validate:
            valid, problems = _validate(selection, jobs)
            valid_set = set(valid)
        else:
            valid_set = set(files)
            problems = {path: [_problem(path, f"not read: the entry is {why}")] for path, why in selection.refused}
        to_build = [(path, selection.root_of(path), folder.slot(number))
                    for number, path in enumerate(path for path in files if path in valid_set)]
        built = {result.path: result for result in _build_all(to_build, formats, parameters, jobs)}

        results = []
        for path in files + [path for path, _ in selection.refused]:
            result = built.get(path) or DocumentBuild(path)
            result.problems[:0] = problems.get(path, [])
            results.append(result)
        _check_collisions(results, folder, EDITION_NAMES if "html" in formats else set())

        staged = {relative: path for result in results for relative, path in result.staged.items()}
        edition = (_stage_edition_files(results, valid_set, out_dir, folder, staged, parameters)
                   if "html" in formats else {})
        plan = _plan_manifest(folder, results, formats)
        index, index_result, index_seconds = None, None, 0.0
        if "html" in formats and search_index:
            index_started = time.perf_counter()
            index = folder.staging / "search" / "pagefind"
            index_result = search.write_index(_search_pages(out_dir, plan[0], staged), index)
            index_seconds = time.perf_counter() - index_started
        # Everything is staged: only now does any output change.
        folder.commit(staged)
        edition_files = folder.commit(edition)
        recorded = list(edition)
        if index is not None:
            folder.commit_folder(search.INDEX_FOLDER, index)
            recorded += [name for name in search.RECORDED_FILES if (out_dir / name).is_file()]
            edition_files += [out_dir / name for name in recorded[len(edition):]]
        for result in results:
            result.files = [out_dir / relative for relative in result.staged]
        _update_manifest(folder, plan, set(staged) | set(recorded), recorded)
    finally:
        folder.discard()
    return BuildResult(out_dir=out_dir, formats=formats, documents=results, edition_files=edition_files,
                       seconds=time.perf_counter() - started, search_result=index_result, search_seconds=index_seconds)
