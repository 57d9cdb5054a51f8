"""The search index of a build: Pagefind over the document pages, into ``OUT/html/pagefind/``.

Pagefind (PyPI ``pagefind`` with its ``bin`` extra: the Python API and the
indexing binary, no Node) reads what the stylesheets put in each page
(``xslt/search.xsl``): the text to search (``data-pagefind-body``), the
filters ``volume``, ``year`` and ``type``, the sort key ``date`` and the
metadata of a result. The filters ``person`` and ``place`` are the
registers' merged entries, known only when every page is built
(:func:`toolkit.library.search_filters`): the build hands them to
:func:`write_index`, which adds them to the copy of each page Pagefind reads,
so that one person of two volumes is one value. :func:`write_index` is given
every document page the output will hold after the build (the ones just
staged, and those kept from earlier builds): it lays them out in a folder of
the staging area as the site has them ("frus1961-63v06/d67.html" under
``html/``; copies without what Pagefind would read for nothing, :data:`UNREAD`),
has one Pagefind service index that folder in one request,
and writes the index into the staging area; the build then commits its files
with the pages (:func:`toolkit.build.build`). Pagefind's script finds the
pages from where ``pagefind.js`` is served, wherever the site is hosted.

Pagefind's answer that it has written the index does not mean its files are
whole: it writes each with ``tokio::fs`` (``write_all``, no ``flush``), whose
last write of a file is still queued in its thread pool when it answers, and
the Python API stops the service (SIGTERM) right after that answer. Under load
the queue has not run yet: a file stays empty (``pagefind-entry.json``, queued
last, most often) or cut short, and the build committed it with the pages. So
the build leaves the service running until every file it wrote has something
in it (at most :data:`SETTLE` seconds), then checks what it wrote
(:func:`_incomplete`: every file non-empty, every gzip file whole to its CRC,
the entry naming its metadata and the pages indexed), and indexes once more if a
file is not whole; a second failure stops the build, nothing changed.
"""

from __future__ import annotations

import asyncio
import gzip
import html
import json
import re
import shutil
import tempfile
import threading
import zlib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from toolkit.errors import EXIT_USAGE, ToolkitError

#: The index's folder in the output, and the files of it that the build records
#: (the others have names that change with their content).
INDEX_FOLDER = "html/pagefind"
RECORDED_FILES = ("html/pagefind/pagefind.js", "html/pagefind/pagefind-entry.json")
#: What marks a page's searchable text (xslt/search.xsl): a page without it is no result.
BODY_MARK = b"data-pagefind-body"
_LANG = re.compile(rb'<html[^>]*\slang="([A-Za-z]{2,3})')
#: Parts of a document page (xslt/html-page.xsl) that Pagefind would parse for nothing: what the head
#: holds (metadata for citation managers: the index takes a result's title from the h1) and the names
#: and citation sections, a third to a half of a page. Each is (where it starts, where it ends): the
#: copy Pagefind reads leaves out what lies from the start to the end marker, not the end marker, when
#: both are there, in this order, and nothing between them is for the index (no ``data-pagefind-``):
#: the index is the same, made with some 0.5 of 3 CPU s less for the three FRUS volumes of bench/README.md.
UNREAD = ((b"<meta charset=", b"</head>"), (b'<section id="names"', b"</article>"))
_PAGEFIND_MARK = b"data-pagefind-"


class SearchIndexError(ToolkitError):
    """Pagefind could not build the index (its binary is missing or failed); no output was changed."""

    exit_code = EXIT_USAGE


@dataclass
class IndexResult:
    """What went into the index."""

    #: Pages with text to search (``data-pagefind-body``): the documents.
    pages: int = 0
    #: Pages read and left out (no ``data-pagefind-body``: a volume's contents page).
    left_out: int = 0


def _binary_missing() -> str | None:
    try:
        from pagefind.service import get_executable
    except ImportError:
        return "the Python package pagefind is not installed"
    if get_executable() is None:
        return "the pagefind binary is not installed"
    return None


def _language(page: bytes) -> str:
    match = _LANG.search(page, 0, 2000)
    return match.group(1).decode("ascii").lower() if match else "en"


def _filter_markup(filters: dict[str, list[str]]) -> bytes:
    """The filters a page is given at indexing time, as Pagefind reads them from a page."""
    spans = "".join(f'<span data-pagefind-filter="{html.escape(name)}">{html.escape(value, quote=False)}</span>'
                    for name, values in sorted(filters.items()) for value in values)
    return f'<div hidden="">{spans}</div>'.encode("utf-8")


def _for_the_index(page: bytes, filters: dict[str, list[str]] | None) -> bytes:
    """The copy of a page Pagefind reads: without the parts it would read for nothing (:data:`UNREAD`),
    with the ``filters`` added before its ``</body>``."""
    parts, start = [], 0
    for opening, closing in UNREAD:
        begin = page.find(opening, start)
        end = page.find(closing, begin + len(opening)) if begin >= 0 else -1
        if end < 0 or page.find(_PAGEFIND_MARK, begin, end) >= 0:
            continue
        parts.append(page[start:begin])
        start = end
    parts.append(page[start:])
    copy = b"".join(parts)
    end = copy.rfind(b"</body>") if filters else -1
    return copy[:end] + _filter_markup(filters) + copy[end:] if end >= 0 else copy


def _gather(pages: list[tuple[str, Path]], folder: Path,
            filters: dict[str, dict[str, list[str]]]) -> tuple[IndexResult, str]:
    """Lay the document pages out in ``folder`` as the site will have them, as Pagefind is to read them
    (:func:`_for_the_index`), and pick the index's language: what went in, and the language."""
    result = IndexResult()
    languages: Counter[str] = Counter()
    for url, path in pages:
        content = path.read_bytes()
        if BODY_MARK not in content:
            result.left_out += 1
            continue
        languages[_language(content)] += 1
        place = folder / url
        place.parent.mkdir(parents=True, exist_ok=True)
        place.write_bytes(_for_the_index(content, filters.get(url)))
        result.pages += 1
    # One index for the whole site, in the language most pages are in: Pagefind would otherwise
    # make one per language, and a search page finds only its own language's documents.
    language = min(languages, key=lambda name: (-languages[name], name)) if languages else "en"
    return result, language


async def _index(folder: Path, language: str, target: Path, pages: int) -> int:
    """Index the pages under ``folder`` into ``target``, in one request to the Pagefind service
    (its Python API waits a tenth of a second for every answer: one request a page would cost
    two minutes for a thousand pages); the number of pages Pagefind indexed.

    The service is stopped only once every file it wrote has something in it (:func:`_written`), or
    after :data:`SETTLE` seconds: its answer to the request to write them comes before its last writes
    (module docstring), and ``PagefindIndex`` used as a context manager stops it at once."""
    from pagefind.index import IndexConfig
    from pagefind.service import PagefindService

    config = IndexConfig(output_path=str(target), force_language=language)
    async with PagefindService() as service:
        index = await service.create_index(config)
        answer = await index.add_directory(str(folder))
        indexed = int(answer.get("page_count") or 0)
        await index.write_files()
        waited = 0.0
        while indexed == pages and waited < SETTLE and not _written(target):
            await asyncio.sleep(0.05)
            waited += 0.05
    return indexed


def _written(target: Path) -> bool:
    """Whether every file Pagefind is writing into ``target`` has something in it, the entry last:
    the cheap sign that its writes have run (:func:`_incomplete`, which reads every file, then checks)."""
    try:
        json.loads((target / "pagefind-entry.json").read_bytes())
        return all(path.stat().st_size for path in target.rglob("*") if path.is_file())
    except (OSError, ValueError):
        return False


def _run_apart(work):
    """Run a coroutine to its end in a thread of its own, with its own event loop: the caller may
    already be inside one (a program using asyncio, Playwright's sync API in the tests)."""
    outcome: dict = {}

    def run() -> None:
        try:
            outcome["value"] = asyncio.run(work)
        except BaseException as exc:  # handed to the calling thread
            outcome["error"] = exc

    thread = threading.Thread(target=run, name="pagefind")
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


#: How many times Pagefind indexes the pages before a build gives up on an index that is not whole.
ATTEMPTS = 2
#: How long the Pagefind service is left to finish writing the index (seconds) before it is stopped.
SETTLE = 10.0
#: Pagefind's files that are gzip streams (their CRC says whether they are whole); the others are text.
_GZIP_SUFFIXES = (".pf_meta", ".pf_fragment", ".pf_index", ".pf_filter", ".pagefind")


def _incomplete(target: Path, pages: int) -> str | None:
    """What of the index Pagefind wrote into ``target`` is not whole (a file and why), or None.

    Pagefind writes a file in one ``write`` of its whole content (text files are far below the 2 MiB a
    tokio write takes at once), so a lost write leaves it empty; a gzip file cut anywhere fails its CRC;
    the entry must be JSON naming a metadata file that is there and the pages indexed."""
    entry = target / "pagefind-entry.json"
    try:
        languages = json.loads(entry.read_bytes()).get("languages")
        counted = sum(int(language["page_count"]) for language in languages.values())
        metadata = [target / f"pagefind.{language['hash']}.pf_meta" for language in languages.values()]
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return "pagefind-entry.json is missing, empty or not its JSON"
    if counted != pages or not all(path.is_file() for path in metadata):
        return f"pagefind-entry.json counts {counted} pages of {pages}, or names metadata that is not there"
    for path in sorted(target.rglob("*")):
        if not path.is_file():
            continue
        name = path.relative_to(target).as_posix()
        if path.stat().st_size == 0:
            return f"{name} is empty"
        if path.name.endswith(_GZIP_SUFFIXES):
            try:
                with gzip.open(path) as stream:
                    while stream.read(1 << 20):
                        pass
            except (OSError, EOFError, zlib.error):
                return f"{name} is cut short"
    return None


def write_index(pages: dict[str, Path], target: Path,
                filters: dict[str, dict[str, list[str]]] | None = None) -> IndexResult:
    """Index ``pages`` (address relative to ``html/`` -> the file holding the page) into ``target``;
    ``filters`` (address -> filter -> values) adds filters to pages that their own markup does not
    have: the registers' persons and places (:func:`toolkit.library.search_filters`)."""
    missing = _binary_missing()
    if missing:
        raise SearchIndexError(f"the search index cannot be built: {missing}",
                               hint="run `make setup` (it installs pagefind[bin]), or build with --no-search")
    try:  # beside the index, in the staging area
        target.parent.mkdir(parents=True, exist_ok=True)
        folder = Path(tempfile.mkdtemp(prefix="pages-", dir=target.parent))
    except OSError as exc:
        raise SearchIndexError(f"the search index cannot be built: {exc.strerror or exc}",
                               hint="build with --no-search to publish without the search index") from None
    try:
        result, language = _gather(sorted(pages.items()), folder, filters or {})
        for attempt in range(ATTEMPTS):
            shutil.rmtree(target, ignore_errors=True)
            indexed = _run_apart(_index(folder, language, target, result.pages))
            if indexed != result.pages:
                raise SearchIndexError(f"the search index holds {indexed} of the {result.pages} document pages",
                                       hint="build again; if it persists, build with --no-search and report it")
            broken = _incomplete(target, result.pages)
            if broken is None:
                return result
        raise SearchIndexError(f"the search index Pagefind wrote is not whole: {broken}",
                               hint="build again; if it persists, build with --no-search and report it")
    except OSError as exc:
        raise SearchIndexError(f"the search index cannot be built: {exc.strerror or exc}",
                               hint="build with --no-search to publish without the search index") from None
    except SearchIndexError:
        raise
    except Exception as exc:  # the Pagefind service's own errors (a failed binary, a broken pipe)
        raise SearchIndexError(f"the search index cannot be built: Pagefind failed ({exc or type(exc).__name__})",
                               hint="build with --no-search to publish without the search index") from None
    finally:
        shutil.rmtree(folder, ignore_errors=True)
