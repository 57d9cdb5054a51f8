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
``html/``; copies with the added filters, hard links for a page without),
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
:func:`write_index` checks what Pagefind wrote before the build stages it
(:func:`_incomplete`: every file non-empty, every gzip file whole to its CRC,
the entry naming its metadata and the pages indexed) and indexes once more if a
file is not whole; a second failure stops the build, nothing changed.
"""

from __future__ import annotations

import asyncio
import gzip
import html
import json
import os
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
BODY_MARK = "data-pagefind-body"
_LANG = re.compile(r'<html[^>]*\slang="([A-Za-z]{2,3})')


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


def _language(page: str) -> str:
    match = _LANG.search(page, 0, 2000)
    return match.group(1).lower() if match else "en"


def _filter_markup(filters: dict[str, list[str]]) -> str:
    """The filters a page is given at indexing time, as Pagefind reads them from a page."""
    spans = "".join(f'<span data-pagefind-filter="{html.escape(name)}">{html.escape(value, quote=False)}</span>'
                    for name, values in sorted(filters.items()) for value in values)
    return f'<div hidden="">{spans}</div>'


def _gather(pages: list[tuple[str, Path]], folder: Path,
            filters: dict[str, dict[str, list[str]]]) -> tuple[IndexResult, str]:
    """Lay the document pages out in ``folder`` as the site will have them, and pick the index's
    language: what went in, and the language. A page given ``filters`` is copied with them added
    before its ``</body>``; the others are hard links (else copies)."""
    result = IndexResult()
    languages: Counter[str] = Counter()
    for url, path in pages:
        content = path.read_text(encoding="utf-8", errors="replace")
        if BODY_MARK not in content:
            result.left_out += 1
            continue
        languages[_language(content)] += 1
        place = folder / url
        place.parent.mkdir(parents=True, exist_ok=True)
        added = filters.get(url)
        end = content.rfind("</body>") if added else -1
        if end >= 0:
            place.write_text(content[:end] + _filter_markup(added) + content[end:], encoding="utf-8")
        else:
            try:
                os.link(path, place)
            except OSError:  # another file system, or no hard links there
                shutil.copyfile(path, place)
        result.pages += 1
    # One index for the whole site, in the language most pages are in: Pagefind would otherwise
    # make one per language, and a search page finds only its own language's documents.
    language = min(languages, key=lambda name: (-languages[name], name)) if languages else "en"
    return result, language


async def _index(folder: Path, language: str, target: Path) -> int:
    """Index the pages under ``folder`` into ``target``, in one request to the Pagefind service
    (its Python API waits a tenth of a second for every answer: one request a page would cost
    two minutes for a thousand pages); the number of pages Pagefind indexed."""
    from pagefind.index import IndexConfig, PagefindIndex

    config = IndexConfig(output_path=str(target), force_language=language)
    async with PagefindIndex(config=config) as index:
        answer = await index.add_directory(str(folder))
    return int(answer.get("page_count") or 0)


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
    try:  # beside the index: the same file system as the output, where hard links work
        target.parent.mkdir(parents=True, exist_ok=True)
        folder = Path(tempfile.mkdtemp(prefix="pages-", dir=target.parent))
    except OSError as exc:
        raise SearchIndexError(f"the search index cannot be built: {exc.strerror or exc}",
                               hint="build with --no-search to publish without the search index") from None
    try:
        result, language = _gather(sorted(pages.items()), folder, filters or {})
        for attempt in range(ATTEMPTS):
            shutil.rmtree(target, ignore_errors=True)
            indexed = _run_apart(_index(folder, language, target))
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
