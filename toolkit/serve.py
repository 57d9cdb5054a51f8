"""`teikit serve`: serve a build over HTTP on 127.0.0.1, and build it again when a document changes.

Search needs HTTP (a browser does not let a page opened from a file read the
index), so the edition comes with a small server: the standard library's
``http.server`` over the output folder, on the loopback interface only
(default port :data:`DEFAULT_PORT`; ``/`` leads to ``/html/``), answering with
``Cache-Control: no-cache`` so that a reload shows a page just rebuilt, but for
the search index's files that never change under their address (and its gzip
files sent as such): :func:`toolkit.search.http_headers`.

The documents watched are the ones named, else those the output folder was
last built from (its manifest), else the edition's ``tei/``. At start they are
built when the output is older than one of them (or missing); then every
:data:`POLL_SECONDS` their modification times and sizes are compared with
the last look, and a file that looks changed is read and hashed: only a
changed content (or a document added or removed) starts a build, with the
options ``serve`` was given, as ``teikit build`` would run it.
"""

from __future__ import annotations

import functools
import hashlib
import json
import sys
import threading
import time
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Callable
from urllib.parse import unquote

from toolkit import confine, output, search
from toolkit.errors import UsageError
from toolkit.paths import display_path

HOST = "127.0.0.1"
DEFAULT_PORT = 8000
POLL_SECONDS = 1.0


class SiteHandler(SimpleHTTPRequestHandler):
    """Files of a build, with the headers :func:`toolkit.search.http_headers` gives each (the search
    index's gzip files sent as such, those that never change cached, the rest asked again each time);
    no log lines. The browser tests' server uses it too."""

    _status = 0

    def send_response(self, code: int, message: str | None = None) -> None:
        self._status = code
        super().send_response(code, message)

    def end_headers(self) -> None:
        path, _, query = self.path.partition("?")
        if self._status in (200, 304):
            gzip_accepted = accepts_gzip(self.headers.get("Accept-Encoding", ""))
            for name, value in search.http_headers(unquote(path), query, gzip_accepted):
                self.send_header(name, value)
        else:
            self.send_header("Cache-Control", search.REVALIDATE)
        super().end_headers()

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


def accepts_gzip(header: str) -> bool:
    """Whether an ``Accept-Encoding`` header takes gzip: named (or ``*``) with a quality above 0
    (``gzip;q=0.5`` takes it, ``gzip;q=0`` refuses it)."""
    taken = {}
    for part in header.split(","):
        coding, _, parameters = part.partition(";")
        quality = 1.0
        for parameter in parameters.split(";"):
            name, _, value = parameter.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        taken[coding.strip().lower()] = quality
    return taken.get("gzip", taken.get("*", 0.0)) > 0


class _Handler(SiteHandler):
    """`teikit serve`'s: ``/`` goes to the HTML edition."""

    def do_GET(self) -> None:  # noqa: N802 (the base class's name)
        if self.path in ("", "/"):
            self.send_response(302)
            self.send_header("Location", "/html/")
            self.end_headers()
            return
        super().do_GET()


class Server(ThreadingHTTPServer):
    """The standard library's threaded server, without its traceback when a browser goes away.

    A browser that closes a connection before a file is sent (a page left, a
    search cancelled) is normal; the base class prints a traceback for it.
    Here it is ignored, and any other error answering a request is one line."""

    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        error = sys.exc_info()[1]
        if isinstance(error, ConnectionError):
            return
        print(f"teikit serve: error: answering {client_address[0]}: {error}", file=sys.stderr)


def start_server(folder: Path, port: int = DEFAULT_PORT) -> ThreadingHTTPServer:
    """Serve ``folder`` on 127.0.0.1:``port`` (0: any free port) in a thread of its own."""
    handler = functools.partial(_Handler, directory=str(folder))
    try:
        server = Server((HOST, port), handler)
    except OSError as exc:
        raise UsageError(f"cannot serve on {HOST}:{port}: {exc.strerror or exc}",
                         hint=f"choose another port with --port (e.g. --port {port + 1 if port else DEFAULT_PORT})") from None
    threading.Thread(target=server.serve_forever, name="teikit-serve", daemon=True).start()
    return server


def manifest_sources(out_dir: Path) -> list[Path]:
    """The source documents the output folder was last built from (those that still exist)."""
    try:
        data = json.loads((out_dir / output.MANIFEST).read_text(encoding="utf-8"))
        sources = [Path(source) for source in data.get("documents", {})]
    except (OSError, ValueError, AttributeError, TypeError):
        return []
    return [source for source in sources if source.is_file()]


@dataclass
class Watcher:
    """The documents of ``paths`` (files and folders, as `teikit build` takes them), looked at again
    and again: :meth:`changed` says whether a content changed since the last look."""

    paths: list[Path]
    root: Path | None = None
    #: path -> (mtime_ns, size), and path -> sha256 of the content, at the last look.
    stats: dict[Path, tuple[int, int]] = field(default_factory=dict)
    hashes: dict[Path, str] = field(default_factory=dict)

    def documents(self) -> list[Path]:
        try:
            return list(confine.select(self.paths, self.root).files)
        except UsageError:
            return []  # a folder named went away: nothing to watch until it is back

    @staticmethod
    def _stat(path: Path) -> tuple[int, int] | None:
        try:
            status = path.stat()
        except OSError:
            return None
        return status.st_mtime_ns, status.st_size

    @staticmethod
    def _hash(path: Path) -> str | None:
        try:
            return hashlib.sha256(path.read_bytes()).hexdigest()
        except OSError:
            return None

    def look(self) -> None:
        """Take the documents' state as it is now."""
        self.stats = {path: stat for path in self.documents() if (stat := self._stat(path))}
        self.hashes = {path: self._hash(path) or "" for path in self.stats}

    def changed(self) -> bool:
        """Whether a document was added, removed or its content changed; updates the state."""
        stats = {path: stat for path in self.documents() if (stat := self._stat(path))}
        different = set(stats) != set(self.stats)
        for path, stat in stats.items():
            if self.stats.get(path) != stat:
                digest = self._hash(path) or ""
                different |= digest != self.hashes.get(path)
                self.hashes[path] = digest
        for gone in set(self.hashes) - set(stats):
            del self.hashes[gone]
        self.stats = stats
        return different

    def newest(self) -> float:
        return max((stat[0] / 1e9 for stat in self.stats.values()), default=0.0)


def stale(out_dir: Path, watcher: Watcher) -> bool:
    """Whether the output is missing or older than one of the documents."""
    try:
        built = (out_dir / output.MANIFEST).stat().st_mtime
    except OSError:
        return True
    return watcher.newest() > built


def serve(out_dir: Path, watcher: Watcher, rebuild: Callable[[], None], *, port: int = DEFAULT_PORT,
          poll: float = POLL_SECONDS, say: Callable[[str], None] = print,
          stop: threading.Event | None = None) -> None:
    """Build when stale, serve ``out_dir``, and call ``rebuild`` whenever a document changes,
    until ``stop`` is set (or Ctrl-C)."""
    watcher.look()
    if stale(out_dir, watcher):
        rebuild()
    if not out_dir.is_dir():
        raise UsageError("there is nothing to serve", path=display_path(out_dir),
                         hint="build first: teikit build --out DIR PATH ...")
    server = start_server(out_dir, port)
    address = f"http://{HOST}:{server.server_address[1]}"
    say(f"Serving {display_path(out_dir)} at {address}/html/ (search: {address}/html/search/)")
    say(f"Watching {len(watcher.stats)} document{'s' * (len(watcher.stats) != 1)}: a change builds again. "
        "Ctrl-C stops.")
    stop = stop or threading.Event()
    try:
        while not stop.wait(poll):
            if watcher.changed():
                say(f"{time.strftime('%H:%M:%S')}: a document changed: building again")
                rebuild()
    finally:
        server.shutdown()
        server.server_close()


def default_paths(out_dir: Path) -> list[Path]:
    """What to watch when no document is named: what the output was built from, else the project's documents."""
    sources = manifest_sources(out_dir)
    if sources:
        return sources
    from toolkit import project
    from toolkit.confine import project_documents

    return project_documents().files if project.current() is not None else []
