"""Build the edition's outputs: HTML pages, plain texts and citations.

:func:`build` validates the documents first (unless told not to), then runs
the XSLT stylesheets (:mod:`toolkit.transform`) on every valid document and
writes what they return, each file atomically, into ``OUT/html``, ``OUT/text``
and ``OUT/cite``. A document that is invalid, or on which a stylesheet
fails, gets no new output at all: its earlier outputs stay as they were.
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

from toolkit import confine, transform
from toolkit.errors import Problem, ProblemCollection, ToolkitError, TransformError, UsageError
from toolkit.paths import BUILD_DIR, XSLT_DIR, display_path
from toolkit.xmlio import NS, DocumentError, parse_document, read_bytes, write_atomic

FORMATS = transform.FORMATS
#: Copied beside the pages: their style and their small script (views, cards).
PAGE_ASSETS = (XSLT_DIR / "edition.css", XSLT_DIR / "edition.js")
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


def build_document(path: Path, out_dir: Path, formats: tuple[str, ...],
                   parameters: transform.Parameters, root: Path | None = None) -> DocumentBuild:
    """Transform one (already validated) document; write its files only if every format worked."""
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
    outputs = [(out_dir / item.format / item.name, item.content) for item in envelope.files]
    result.index_card = envelope.card
    for target, content in outputs:
        write_atomic(target, content)
        result.files.append(target)
    return result


# Worker processes: the stylesheets are compiled once, by the initializer.
_worker_state: dict = {}


def _init_worker(out_dir: Path, formats: tuple[str, ...], parameters: transform.Parameters) -> None:
    _worker_state.update(out_dir=out_dir, formats=formats, parameters=parameters, error=None)
    try:
        transform.compile_all()
    except TransformError as exc:
        _worker_state["error"] = exc


def _build_in_worker(job: tuple[Path, Path]) -> DocumentBuild:
    path, root = job
    state = _worker_state
    if state["error"] is not None:
        raise state["error"]  # the stylesheet does not compile: the parent stops the build
    try:
        return build_document(path, state["out_dir"], state["formats"], state["parameters"], root)
    except ToolkitError as exc:
        return DocumentBuild(path, problems=[_problem(path, exc.message, exc.hint)])


def _build_all(paths: list[tuple[Path, Path]], out_dir: Path, formats: tuple[str, ...],
               parameters: transform.Parameters, jobs: int) -> list[DocumentBuild]:
    """Build each (document, its confinement root)."""
    if jobs <= 1 or len(paths) < PARALLEL_THRESHOLD:
        transform.compile_all()  # a stylesheet that does not compile stops the build
        return [build_document(path, out_dir, formats, parameters, root) for path, root in paths]
    # Imported here: a build of a few documents (make of the edition) needs no pool.
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    workers = min(jobs, len(paths))
    # "spawn": a Saxon processor must not be inherited through fork().
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_init_worker,
                             initargs=(out_dir, formats, parameters)) as pool:
        results = pool.map(_build_in_worker, paths, chunksize=max(1, len(paths) // (workers * 4)))
        try:
            return list(results)
        except TransformError:  # raised by the first worker that could not compile the stylesheet
            pool.shutdown(wait=True, cancel_futures=True)
            raise


# ---------------------------------------------------------------------------
# The edition
# ---------------------------------------------------------------------------

def _validate(selection: confine.Selection, jobs: int) -> tuple[list[Path], dict[Path, list[Problem]]]:
    """The valid documents, and every document's problems (warnings included)."""
    from toolkit import validate

    report = validate.validate_paths(selection=selection, jobs=jobs)
    problems = {document.path: list(document.problems) for document in report.documents}
    return report.valid_paths, problems


def _index_entries(results: list[DocumentBuild], out_dir: Path) -> list[transform.IndexEntry]:
    """The documents the index page lists: those with a page in OUT/html (new or earlier),
    with the cards of the pages just built."""
    entries = []
    html = out_dir / "html"
    for result in results:
        if result.skipped:
            continue
        # A page just built names itself (its card, for a volume's folder: "v/index.html");
        # only a document not built now is read for its id.
        pages = _card_pages(result.index_card) or [f.name for f in result.files
                                                  if f.parent == html and f.suffix == ".html"]
        if not pages:
            try:
                document = parse_document(result.path)
            except ToolkitError:
                continue
            pages = [f"{_document_id(document.root, result.path)}.html"]
        if (html / pages[0]).exists():
            entries.append((result.path, pages[0], result.index_card))
    return entries


def _card_pages(card: str | None) -> list[str]:
    page = etree.fromstring(card).get("page") if card else None
    return [page] if page else []


def _document_id(root: etree._Element, path: Path) -> str:
    return root.get("{http://www.w3.org/XML/1998/namespace}id") or path.stem


def _write_edition_files(results: list[DocumentBuild], out_dir: Path,
                         parameters: transform.Parameters) -> list[Path]:
    written = []
    for asset in PAGE_ASSETS:
        target = out_dir / "html" / asset.name
        write_atomic(target, read_bytes(asset))
        written.append(target)
    entries = _index_entries(results, out_dir)
    for item in transform.index_page(entries, out_dir / "html", parameters):
        target = out_dir / "html" / item.name
        write_atomic(target, item.content)
        written.append(target)
    return written


def build(paths: list[Path] | tuple[Path, ...] = (), out_dir: Path = BUILD_DIR,
          formats: tuple[str, ...] = FORMATS, *, validate: bool = True,
          edition_url: str = transform.DEFAULT_EDITION_URL, access_date: _dt.date | None = None,
          jobs: int | None = None, root: Path | None = None) -> BuildResult:
    """Validate ``paths`` (default: the edition) and build ``formats`` into ``out_dir``;
    ``root`` widens the folder pointers are confined to (:mod:`toolkit.confine`)."""
    started = time.perf_counter()
    jobs = jobs or os.cpu_count() or 1
    formats = tuple(output for output in FORMATS if output in formats)
    if not formats:
        raise UsageError("no output format chosen", hint=f"choose from {', '.join(FORMATS)}")
    parameters = transform.Parameters(edition_url=edition_url, access_date=access_date)
    selection = confine.select(paths, root)
    files = selection.files

    problems: dict[Path, list[Problem]] = {}
    if validate:
        valid, problems = _validate(selection, jobs)
        valid_set = set(valid)
    else:
        valid_set = set(files)
    to_build = [(path, selection.root_of(path)) for path in files if path in valid_set]
    built = {result.path: result for result in _build_all(to_build, out_dir, formats, parameters, jobs)}

    results = []
    for path in files + [path for path, _ in selection.refused]:
        result = built.get(path) or DocumentBuild(path)
        result.problems[:0] = problems.get(path, [])
        results.append(result)

    edition_files = _write_edition_files(results, out_dir, parameters) if "html" in formats else []
    return BuildResult(out_dir=out_dir, formats=formats, documents=results, edition_files=edition_files,
                       seconds=time.perf_counter() - started)
