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
staged, and those kept from earlier builds).

The index is sharded by input: the pages at the top of ``html/`` (the
edition's documents) are one Pagefind index, in ``html/pagefind/`` itself;
each volume (the pages of ``html/VOLUME/``) is another, in
``html/pagefind/shards/VOLUME/`` (:func:`shard_of`). Each shard is made by a
Pagefind service of its own, started for it and stopped after it, so that the
largest process follows the largest input, not the library; and a shard is
made again only when what Pagefind would read for it changed (its key: a hash
of the exact copies of its pages, filters included, and of Pagefind's version:
the copies are hashed as the pages are read and made again for a shard that is made),
else the earlier build's files are kept. ``html/pagefind/shards.js``
(written from ``xslt/shards.js``) lists the shards and searches them as one,
merged into the main one by Pagefind's ``mergeIndex``, and puts a search sorted
by date in date order again (``mergeIndex`` merges sorted shards by each
result's place in its shard): by the pages' dates, ``html/pagefind/dates.js``
(:func:`_dates_module`). The search page uses it, and so can a reader's
script (docs/outputs.md).
Pagefind's script finds the pages from where ``pagefind.js`` is served,
wherever the site is hosted.

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
file is not whole; a second failure stops the build, nothing changed. A shard
kept from an earlier build is checked too, more cheaply (:func:`_kept_whole`).
"""

from __future__ import annotations

import asyncio
import contextlib
import gzip
import hashlib
import html
import json
import os
import re
import shutil
import tempfile
import threading
import zlib
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from toolkit.errors import EXIT_USAGE, ToolkitError
from toolkit.paths import XSLT_DIR

#: The index's folder in the output, and the files of it that the build records
#: (the others have names that change with their content).
INDEX_FOLDER = "html/pagefind"
#: The module in the index's folder that lists the shards and searches them as one (from xslt/shards.js).
SHARDS_MODULE = "shards.js"
RECORDED_FILES = ("html/pagefind/pagefind.js", "html/pagefind/pagefind-entry.json", f"html/pagefind/{SHARDS_MODULE}")
#: The shard of the pages at the top of ``html/`` (the edition's documents): in the index's folder itself.
MAIN = ""
#: Where the other shards are, in the index's folder: ``shards/VOLUME/``.
SHARDS_FOLDER = "shards"
#: Each shard's pages' sort dates by Pagefind's name of the page (the fragment's: "en_65b12e6"), in its
#: folder; and all shards' together, as a module (``export default {...}``) beside shards.js: what a search
#: sorted by date orders the shards' results by (xslt/shards.js).
SHARD_DATES = "dates.json"
DATES_MODULE = "dates.js"
#: What a shard's key is made of besides its pages: raise it when what a shard holds changes otherwise.
SHARD_FORMAT = "teikit-shard-2"
#: Hex digits of the hash of a shard's pagefind-entry.json that name it in the list of shards (its ``tag``).
ENTRY_TAG = 16
#: The line of xslt/shards.js that the build replaces with the list of shards.
_SHARDS_LINE = "export const shards = [];"
_SORT_DATE = re.compile(rb'data-pagefind-sort="date"[^>]*>([^<]*)<')
#: Pagefind's files a shard other than the main one does without: the scripts, styles and WebAssembly
#: (the main shard's serve every shard, merged into it): a shard keeps its data.
_SCRIPT_SUFFIXES = (".js", ".css")
_WEBASSEMBLY = "wasm."
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
    #: The shards Pagefind made in this build, and those kept from the earlier one (their names).
    made: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    #: The earlier index's files that stay as they are (relative to the index's folder): the kept shards'.
    kept_files: set[str] = field(default_factory=set)


@dataclass
class _Page:
    """A page of a shard: its address, its file, the filters added to it, and the hash of the copy Pagefind
    reads (:func:`_for_the_index`; the copy itself is made again when the shard is, not kept in memory)."""

    url: str
    path: Path
    filters: dict[str, list[str]] | None
    digest: str
    #: Its sort date (ISO), if it has one.
    date: str | None

    def copy(self) -> bytes:
        return _for_the_index(self.path.read_bytes(), self.filters)


@dataclass
class _Shard:
    """One Pagefind index of the site: its pages, where it goes, its key."""

    name: str
    pages: list[_Page] = field(default_factory=list)
    #: Its folder in the index's folder: "" (the main shard) or "shards/NAME/".
    place: str = ""
    key: str = ""

    def dates(self) -> dict[str, str]:
        """The sort date of each of its pages that has one, by address: ISO dates."""
        return {page.url: page.date for page in self.pages if page.date is not None}


def shard_of(address: str) -> str:
    """The shard a page belongs to: its volume's folder ("frus1961-63v06/d67.html"), or :data:`MAIN`
    for a page at the top of ``html/`` (beyond :data:`MAX_SHARDS` volumes, :func:`_grouped` groups them)."""
    return address.split("/", 1)[0] if "/" in address else MAIN


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


def _shards(pages: list[tuple[str, Path]],
            filters: dict[str, dict[str, list[str]]]) -> tuple[list[_Shard], IndexResult, str]:
    """The shards of the document pages (:func:`shard_of`), each with its pages (the hash of the copy
    Pagefind is to read of each, :func:`_for_the_index`), its place and its key, the main one first; what went in; and the index's
    language."""
    result = IndexResult()
    languages: Counter[str] = Counter()
    shards: dict[str, _Shard] = {}
    for url, path in pages:
        content = path.read_bytes()
        if BODY_MARK not in content:
            result.left_out += 1
            continue
        languages[_language(content)] += 1
        name = shard_of(url)
        copy = _for_the_index(content, filters.get(url))
        found = _SORT_DATE.search(copy)
        date = html.unescape(found.group(1).decode("utf-8")).strip() if found else None
        shards.setdefault(name, _Shard(name)).pages.append(
            _Page(url, path, filters.get(url), hashlib.sha256(copy).hexdigest(), date))
        result.pages += 1
    shards = _grouped(shards)
    # One language for every shard, the one most pages are in: Pagefind would otherwise make an index per
    # language, and a search page finds only its own language's documents.
    language = min(languages, key=lambda name: (-languages[name], name)) if languages else "en"
    # The main shard holds Pagefind's scripts too: with no page at the top of html/, the first volume's.
    main = MAIN if MAIN in shards or not shards else min(shards)
    shards.setdefault(main, _Shard(main))
    ordered = [shards[main]] + [shards[name] for name in sorted(shards) if name != main]
    version = _pagefind_version()
    for shard in ordered:
        shard.place = "" if shard.name == main else f"{SHARDS_FOLDER}/{shard.name}/"
        digest = hashlib.sha256("\0".join((SHARD_FORMAT, version, language, shard.place, "")).encode("utf-8"))
        for page in shard.pages:
            digest.update(f"{page.url}\0{page.digest}\0".encode("utf-8"))
        shard.key = digest.hexdigest()
    return ordered, result, language


#: The most shards of volumes an index has: a first query opens every shard (its entry, its metadata,
#: the chunks of the words; the search page every filter's file too), so beyond this many volumes a shard
#: holds several (:func:`_grouped`) and Pagefind's memory follows the largest group: at the FRUS series'
#: ~560 volumes about 5 volumes, 1,400 pages, 280 MB a shard (docs/outputs.md, "How many shards").
MAX_SHARDS = 128


def _grouped(shards: dict[str, _Shard]) -> dict[str, _Shard]:
    """The volumes' shards as they are, up to :data:`MAX_SHARDS`; beyond, grouped about ``k`` volumes a
    shard (``k`` = volumes / MAX_SHARDS, rounded up), in the order of their names: a volume ends its group
    when its name's hash is a multiple of ``k`` or the group has ``2k`` volumes. A group depends on its
    volumes and their neighbours only, so adding or changing a volume makes its group's shard again, not
    the others (which a split into equal runs would shift)."""
    volumes = sorted(name for name in shards if name != MAIN)
    if len(volumes) <= MAX_SHARDS:
        return shards
    size = -(-len(volumes) // MAX_SHARDS)
    grouped = {MAIN: shards[MAIN]} if MAIN in shards else {}
    group: list[str] = []
    for number, volume in enumerate(volumes):
        group.append(volume)
        boundary = int(hashlib.sha256(volume.encode("utf-8")).hexdigest()[:8], 16) % size == 0
        if boundary or len(group) >= 2 * size or number == len(volumes) - 1:
            merged = grouped[group[0]] = _Shard(group[0])
            for name in group:
                merged.pages.extend(shards[name].pages)
            group = []
    return grouped


def _pagefind_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("pagefind_bin")
    except PackageNotFoundError:
        return "unknown"


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
    service = PagefindService()  # it inherits the environment (:func:`_threads`)
    await service.launch()
    try:
        index = await service.create_index(config)
        answer = await index.add_directory(str(folder))
        indexed = int(answer.get("page_count") or 0)
        await index.write_files()
        waited = 0.0
        while indexed == pages and waited < SETTLE and not _written(target):
            await asyncio.sleep(0.05)
            waited += 0.05
    finally:
        await service.close()
    return indexed


@contextlib.contextmanager
def _threads(threads: int | None):
    """The environment a Pagefind service launched inside the block runs with: ``threads`` threads."""
    saved = {name: os.environ.get(name) for name in _THREAD_VARIABLES}
    if threads:
        os.environ.update(dict.fromkeys(_THREAD_VARIABLES, str(threads)))
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


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


#: Threads of a Pagefind service (its rayon and tokio pools; None: Pagefind's own choice, one a core), and
#: how many shards are made at a time. One thread a service cost the same CPU as Pagefind's default on
#: 2 cores (bench/README.md, "Threads": 6.90 against 6.96 CPU s, three alternating rounds), and shards
#: made at once add their memory up: Pagefind's default, one shard at a time.
THREADS: int | None = None
PARALLEL = 1
_THREAD_VARIABLES = ("RAYON_NUM_THREADS", "TOKIO_WORKER_THREADS")
#: How many times Pagefind indexes the pages before a build gives up on an index that is not whole.
ATTEMPTS = 2
#: How long the Pagefind service is left to finish writing the index (seconds) before it is stopped.
SETTLE = 10.0
#: Pagefind's files that are gzip streams (their CRC says whether they are whole); the others are text.
GZIP_SUFFIXES = (".pf_meta", ".pf_fragment", ".pf_index", ".pf_filter", ".pagefind")
#: Those of them named by a hash of their content (a new content is a new name); the others (the
#: WebAssembly, "wasm.en.pagefind") keep their name from one Pagefind version to the next.
HASHED_SUFFIXES = (".pf_meta", ".pf_fragment", ".pf_index", ".pf_filter")
#: What a browser may keep a file of the index for without asking again: a year, never changed.
IMMUTABLE = "public, max-age=31536000, immutable"
#: The other files of a site: asked again (a conditional request) each time they are used.
REVALIDATE = "no-cache"
#: A page's record in the index (its text, anchors, filters, address), and what its gzip stream starts with.
_FRAGMENT = ".pf_fragment"
_FRAGMENT_SIGNATURE = b"pagefind_dcd"


def _incomplete(target: Path, pages: int, dates: dict[str, str] | None = None,
                named: dict[str, str] | None = None) -> str | None:
    """What of the index Pagefind wrote into ``target`` is not whole (a file and why), or None.

    Pagefind writes a file in one ``write`` of its whole content (text files are far below the 2 MiB a
    tokio write takes at once), so a lost write leaves it empty; a gzip file cut anywhere fails its CRC;
    the entry must be JSON naming a metadata file that is there and the pages indexed. A fragment (a page's
    record, read whole to check it) also gives its page's sort date, by address in ``dates``, to ``named``
    under Pagefind's name of the page: one read of each fragment checks it and names its date."""
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
        if not path.name.endswith(GZIP_SUFFIXES):
            continue
        try:
            if path.name.endswith(_FRAGMENT):
                record = json.loads(gzip.decompress(path.read_bytes())[len(_FRAGMENT_SIGNATURE):])
                date = (dates or {}).get(record["url"].split("?", 1)[0].lstrip("/"))
                if date is not None and named is not None:
                    named[path.name.removesuffix(_FRAGMENT)] = date
            else:
                with gzip.open(path) as stream:
                    while stream.read(1 << 20):
                        pass
        except (OSError, EOFError, zlib.error, ValueError, TypeError, KeyError, AttributeError):
            return f"{name} is cut short"
    return None


def http_headers(path: str, query: str, gzip_accepted: bool) -> list[tuple[str, str]]:
    """The HTTP headers a server sends with the file ``path`` of a site (under ``html/``; ``query``: what
    follows "?" in the request) for the index to be read fast: what ``teikit serve`` and the browser tests'
    server send, and what docs/outputs.md ("Serving the index") asks of a static host.

    - Pagefind's gzip files (:data:`GZIP_SUFFIXES`) as ``Content-Encoding: gzip`` when the browser takes
      it: the browser inflates them as it receives them, and Pagefind's script, finding its data already
      inflated, does not inflate it again in JavaScript (the largest part of a first query's work in the
      browser: bench/README.md); a client that does not take gzip gets the same bytes, which Pagefind
      inflates itself.
    - Files named by their content's hash (:data:`HASHED_SUFFIXES`), and a shard's ``pagefind-entry.json``
      asked for with its tag (``?ts=TAG``, Pagefind's ``metaCacheTag``: :func:`_entry_tag`), are the same for
      as long as their address is: :data:`IMMUTABLE`, so that a later page reads what it has seen of the
      index from the browser's cache.
    - Everything else (the pages, shards.js, Pagefind's scripts and WebAssembly, whose names do not change
      with their content): :data:`REVALIDATE`, so that a page rebuilt is seen at once."""
    name = path.rsplit("/", 1)[-1]
    headers = []
    in_index = f"/{INDEX_FOLDER.rsplit('/', 1)[-1]}/" in f"/{path.lstrip('/')}"
    if in_index and name.endswith(GZIP_SUFFIXES):
        headers.append(("Vary", "Accept-Encoding"))
        if gzip_accepted:
            headers.append(("Content-Encoding", "gzip"))
    keyed = name == "pagefind-entry.json" and query.startswith("ts=")
    headers.append(("Cache-Control", IMMUTABLE if in_index and (name.endswith(HASHED_SUFFIXES) or keyed)
                    else REVALIDATE))
    return headers


def write_index(pages: dict[str, Path], target: Path,
                filters: dict[str, dict[str, list[str]]] | None = None, earlier: Path | None = None) -> IndexResult:
    """Index ``pages`` (address relative to ``html/`` -> the file holding the page) into ``target``, one
    shard an input (module docstring); ``filters`` (address -> filter -> values) adds filters to pages that
    their own markup does not have: the registers' persons and places (:func:`toolkit.library.search_filters`).
    A shard whose key is the one it has in ``earlier`` (the index of the earlier build) is kept there, not
    made again: its files are the result's ``kept_files``."""
    missing = _binary_missing()
    if missing:
        raise SearchIndexError(f"the search index cannot be built: {missing}",
                               hint="run `make setup` (it installs pagefind[bin]), or build with --no-search")
    try:
        shards, result, language = _shards(sorted(pages.items()), filters or {})
        previous = _earlier_shards(earlier)
        target.mkdir(parents=True, exist_ok=True)
        listing, to_make = [], []
        for shard in shards:
            before = previous.get(shard.name, {})
            if (earlier is not None and before.get("key") == shard.key and before.get("path") == quote(shard.place)
                    and _kept_whole(earlier / shard.place, len(shard.pages))):
                result.kept.append(shard.name)
                result.kept_files |= _files_of(earlier, shard.place)
            else:
                to_make.append(shard)
                result.made.append(shard.name)
            listing.append({"name": shard.name, "path": quote(shard.place), "pages": len(shard.pages),
                            "key": shard.key})
        _make_shards(to_make, language, target)
        for shard, line in zip(shards, listing):
            folder = (earlier if shard.name in result.kept else target) / shard.place
            line.update(_entry_tag(folder))
        (target / DATES_MODULE).write_text(_dates_module(shards, target, earlier, set(result.kept)), encoding="utf-8")
        template = (XSLT_DIR / SHARDS_MODULE).read_text(encoding="utf-8")
        if _SHARDS_LINE not in template:
            raise SearchIndexError(f"the search index cannot be built: {SHARDS_MODULE} has no line `{_SHARDS_LINE}`",
                                   hint="reinstall teikit; build with --no-search to publish without the search index")
        module = template.replace(_SHARDS_LINE, f"export const shards = {json.dumps(listing, ensure_ascii=True)};", 1)
        (target / SHARDS_MODULE).write_text(module, encoding="utf-8")
        return result
    except OSError as exc:
        raise SearchIndexError(f"the search index cannot be built: {exc.strerror or exc}",
                               hint="build with --no-search to publish without the search index") from None
    except SearchIndexError:
        raise
    except Exception as exc:  # the Pagefind service's own errors (a failed binary, a broken pipe)
        raise SearchIndexError(f"the search index cannot be built: Pagefind failed ({exc or type(exc).__name__})",
                               hint="build with --no-search to publish without the search index") from None


def _make_shards(shards: list[_Shard], language: str, target: Path) -> None:
    """Make ``shards`` (:func:`_make_shard`), :data:`PARALLEL` at a time, each in a folder of its own beside
    ``target``, and put each in its place in ``target`` once every one is whole."""
    scratch = target.parent
    with _threads(THREADS), ThreadPoolExecutor(max_workers=PARALLEL, thread_name_prefix="shard") as pool:
        futures = [pool.submit(_make_shard, shard, language, scratch) for shard in shards]
    made = [future.result() for future in futures if future.exception() is None]
    try:
        failed = next((future.exception() for future in futures if future.exception() is not None), None)
        if failed is not None:
            raise failed
        for shard, folder in zip(shards, made):
            if shard.place:
                (target / shard.place).parent.mkdir(parents=True, exist_ok=True)
                folder.rename(target / shard.place)
            else:  # the main shard: in the index's folder itself, beside the others' folder
                for path in folder.iterdir():
                    path.rename(target / path.name)
    finally:
        for folder in made:
            shutil.rmtree(folder, ignore_errors=True)


def _make_shard(shard: _Shard, language: str, scratch: Path) -> Path:
    """Have a Pagefind service of its own index ``shard`` into a new folder of ``scratch`` (the pages laid out,
    as the site has them, in another), check that what it wrote is whole, once more if not, and add the shard's
    sort dates by Pagefind's names of its pages (:data:`SHARD_DATES`); a shard other than the main one loses
    Pagefind's scripts. The folder made."""
    folder = Path(tempfile.mkdtemp(prefix="pages-", dir=scratch))
    target = Path(tempfile.mkdtemp(prefix="shard-", dir=scratch))
    try:
        for page in shard.pages:
            place = folder / page.url
            place.parent.mkdir(parents=True, exist_ok=True)
            place.write_bytes(page.copy())
        pages = len(shard.pages)
        dates = shard.dates()
        for attempt in range(ATTEMPTS):
            shutil.rmtree(target, ignore_errors=True)
            indexed = _run_apart(_index(folder, language, target, pages))
            if indexed != pages:
                raise SearchIndexError(f"the search index holds {indexed} of the {pages} document pages"
                                       + (f" of {shard.name}" if shard.name else ""),
                                       hint="build again; if it persists, build with --no-search and report it")
            named: dict[str, str] = {}
            broken = _incomplete(target, pages, dates, named)
            if broken is None:
                break
        else:
            raise SearchIndexError(f"the search index Pagefind wrote is not whole: {shard.place}{broken}",
                                   hint="build again; if it persists, build with --no-search and report it")
    except BaseException:
        shutil.rmtree(target, ignore_errors=True)
        raise
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    if shard.place:
        for path in target.iterdir():
            if path.is_file() and (path.name.endswith(_SCRIPT_SUFFIXES) or path.name.startswith(_WEBASSEMBLY)):
                path.unlink()
    (target / SHARD_DATES).write_text(json.dumps(named, sort_keys=True), encoding="utf-8")
    return target


def _entry_tag(folder: Path) -> dict[str, str]:
    """The ``tag`` of the shard in ``folder``: a hash of its ``pagefind-entry.json``, which shards.js gives
    Pagefind as the shard's ``metaCacheTag`` (xslt/shards.js), so that the entry is asked for as
    ``pagefind-entry.json?ts=TAG``, one address for one file, which a browser may keep (:func:`http_headers`).
    Not the shard's key: Pagefind, given the same pages again, may write another entry (its metadata's
    name is a hash of what it wrote, and two builds of the same pages gave two)."""
    return {"tag": hashlib.sha256((folder / "pagefind-entry.json").read_bytes()).hexdigest()[:ENTRY_TAG]}


def _dates_module(shards: list[_Shard], target: Path, earlier: Path | None, kept: set[str]) -> str:
    """Every shard's sort dates by Pagefind's names of the pages, as a module. Two shards may name two pages
    alike (Pagefind names a page by 7 hex digits of its hash, unique within one index only): such a name
    has the list of their dates, and the search page asks the page itself (xslt/shards.js)."""
    together: dict[str, object] = {}
    for shard in shards:
        folder = (earlier if shard.name in kept else target) / shard.place
        for name, date in json.loads((folder / SHARD_DATES).read_bytes()).items():
            known = together.get(name)
            together[name] = date if known is None else [*(known if isinstance(known, list) else [known]), date]
    return f"export default {json.dumps(together, sort_keys=True, ensure_ascii=True)};\n"


def _earlier_shards(earlier: Path | None) -> dict[str, dict]:
    """The shards of the earlier build's index (name -> its line of ``shards.js``); none if it has none."""
    module = earlier / SHARDS_MODULE if earlier is not None else None
    if module is None or earlier.is_symlink() or not module.is_file() or module.is_symlink():
        return {}
    prefix = "export const shards = "
    try:
        for line in module.read_text(encoding="utf-8").splitlines():
            if line.startswith(prefix):
                return {item["name"]: item for item in json.loads(line[len(prefix):].rstrip(";"))}
    except (OSError, ValueError, TypeError, KeyError):
        pass
    return {}


def _kept_whole(folder: Path, pages: int) -> bool:
    """Whether a shard of the earlier build is still there, whole as far as a cheap look tells: its entry
    counting its pages and naming metadata that is there, and its dates (the build that made it checked
    every file, :func:`_incomplete`)."""
    try:
        languages = json.loads((folder / "pagefind-entry.json").read_bytes()).get("languages")
        counted = sum(int(language["page_count"]) for language in languages.values())
        metadata = [folder / f"pagefind.{language['hash']}.pf_meta" for language in languages.values()]
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return False
    try:
        dates = json.loads((folder / SHARD_DATES).read_bytes())
    except (OSError, ValueError):
        return False
    return counted == pages and all(path.is_file() for path in metadata) and isinstance(dates, dict)


def _files_of(earlier: Path, place: str) -> set[str]:
    """The files of the shard at ``place`` in the earlier index (relative to the index's folder): those of
    the main one are the folder's, but for the other shards' and the list of shards."""
    files = set()
    for path in (earlier / place).rglob("*"):
        relative = path.relative_to(earlier).as_posix()
        if not path.is_file() or path.is_symlink():
            continue
        if not place and (relative.startswith(SHARDS_FOLDER + "/") or relative in (SHARDS_MODULE, DATES_MODULE)):
            continue
        files.add(relative)
    return files
