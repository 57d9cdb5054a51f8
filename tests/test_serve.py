"""`teikit serve` (toolkit/serve.py): the build served on 127.0.0.1, built again when a document changes.

The server runs as a reader starts it, a `teikit serve` process, on a free port (--port 0);
the test reads the address it prints, asks for pages over HTTP, changes the document and
waits for the page to change, and checks that a document saved without a change (a new
modification time, the same content) builds nothing, and that the build runs again with the
options serve was given.
"""

from __future__ import annotations

import queue
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from toolkit.cli import build_parser
from toolkit.paths import PROJECT_ROOT
from toolkit.serve import DEFAULT_PORT, HOST

MINIMAL = PROJECT_ROOT / "tests" / "fixtures" / "outputs" / "minimal.xml"


class Server:
    """A running `teikit serve`, its printed lines collected by a thread."""

    def __init__(self, *args: str) -> None:
        self.process = subprocess.Popen([sys.executable, "-m", "toolkit", "serve", *args], cwd=PROJECT_ROOT,
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        for stream in (self.process.stdout, self.process.stderr):
            threading.Thread(target=self._read, args=(stream,), daemon=True).start()

    def _read(self, stream) -> None:
        for line in stream:
            self.lines.put(line.rstrip("\n"))

    def wait_for(self, pattern: str, seconds: float = 60) -> re.Match:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.2)
            except queue.Empty:
                if self.process.poll() is not None:
                    break
                continue
            self.seen.append(line)
            if match := re.search(pattern, line):
                return match
        raise AssertionError(f"no line matching {pattern!r}; printed: {self.seen}")

    def drain(self) -> list[str]:
        while not self.lines.empty():
            self.seen.append(self.lines.get())
        return self.seen

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=30)


def get(url: str) -> tuple[int, str, dict]:
    request = urllib.request.Request(url)
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=10) as response:
            return response.status, response.read().decode("utf-8", "replace"), dict(response.headers)
    except urllib.error.HTTPError as exc:
        return exc.code, "", dict(exc.headers)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@pytest.fixture
def served(tmp_path: Path):
    document = tmp_path / "doc.xml"
    document.write_bytes(MINIMAL.read_bytes())
    server = Server("--out", str(tmp_path / "site"), "--port", "0", "--no-validate", "--format", "html",
                    str(document))
    try:
        address = server.wait_for(r"at (http://127\.0\.0\.1:\d+)/html/").group(1)
        yield server, address, document, tmp_path / "site"
    finally:
        server.stop()


def test_serve_builds_serves_and_builds_again_when_the_document_changes(served) -> None:
    server, address, document, site = served
    status, page, headers = get(f"{address}/html/doc.html")
    assert status == 200 and "A minimal document" in page
    assert headers.get("Cache-Control") == "no-cache"
    assert get(f"{address}/html/search/index.html")[0] == 200
    assert get(f"{address}/html/pagefind/pagefind.js")[0] == 200
    root = get(f"{address}/")
    assert root[0] == 302 and root[2]["Location"] == "/html/"

    # saved again unchanged: nothing is built
    time.sleep(1.1)
    document.write_bytes(document.read_bytes())
    time.sleep(2.5)
    assert not any("building again" in line for line in server.drain())

    document.write_text(document.read_text(encoding="utf-8").replace("A minimal document", "A changed document"),
                        encoding="utf-8")
    server.wait_for("a document changed: building again")
    server.wait_for(r"document built \(html\)")
    status, page, _ = get(f"{address}/html/doc.html")
    assert status == 200 and "A changed document" in page
    # built again with the options serve was given: the HTML alone, with its search index
    assert not (site / "text").exists()
    assert (site / "html" / "pagefind" / "pagefind.js").is_file()
    server.stop()
    assert not any("Traceback" in line for line in server.drain())


def test_serve_says_when_the_port_is_taken(tmp_path: Path) -> None:
    import socket

    with socket.socket() as taken:
        taken.bind((HOST, 0))
        taken.listen()
        port = taken.getsockname()[1]
        document = tmp_path / "doc.xml"
        document.write_bytes(MINIMAL.read_bytes())
        result = subprocess.run([sys.executable, "-m", "toolkit", "serve", "--out", str(tmp_path / "site"),
                                 "--port", str(port), "--no-validate", "--no-search", str(document)],
                                cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert f"cannot serve on {HOST}:{port}" in result.stderr and "--port" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_default_port_is_the_documented_one() -> None:
    serve = build_parser()._subparsers._group_actions[0].choices["serve"]
    port = next(action for action in serve._actions if "--port" in action.option_strings)
    assert port.default == DEFAULT_PORT == 8000
    assert f"http://127.0.0.1:{DEFAULT_PORT}/" in (PROJECT_ROOT / "xslt" / "search.xsl").read_text(encoding="utf-8")


def test_a_browser_that_goes_away_mid_file_gets_no_traceback(tmp_path: Path, capfd) -> None:
    """A connection closed before a large file is sent (a page left half loaded) is normal: the
    server says nothing, and keeps answering."""
    import socket
    import struct

    from toolkit.serve import start_server

    (tmp_path / "html").mkdir()
    (tmp_path / "html" / "big.html").write_bytes(b"x" * 8_000_000)
    server = start_server(tmp_path, port=0)
    try:
        port = server.server_address[1]
        for _ in range(3):
            client = socket.create_connection((HOST, port))
            client.sendall(b"GET /html/big.html HTTP/1.1\r\nHost: x\r\n\r\n")
            client.recv(1024)
            # linger 0: the close resets the connection, as a browser's cancelled request does
            client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            client.close()
        time.sleep(0.5)  # let the server's threads meet the closed connections
        with urllib.request.urlopen(f"http://{HOST}:{port}/html/big.html") as answer:
            assert len(answer.read()) == 8_000_000
    finally:
        server.shutdown()
        server.server_close()
    captured = capfd.readouterr()
    assert "Traceback" not in captured.err, captured.err
    assert captured.err == "", captured.err


def test_the_index_is_served_inflated_by_the_browser_and_cached_where_it_never_changes(tmp_path: Path) -> None:
    """What the server sends with each file (toolkit.search.http_headers): Pagefind's gzip files as
    Content-Encoding: gzip to a browser that takes it (the same bytes, which Pagefind inflates itself, to
    one that does not); the files named by their content's hash and an entry asked for with its tag kept
    by the browser; the pages, shards.js, Pagefind's scripts and an entry asked without a tag asked again."""
    import gzip

    from toolkit.search import IMMUTABLE, REVALIDATE
    from toolkit.serve import start_server

    index = tmp_path / "html" / "pagefind"
    (index / "index").mkdir(parents=True)
    data = gzip.compress(b"pagefind_dcd" + b"chunk" * 100)
    (index / "index" / "en_1234567.pf_index").write_bytes(data)
    (index / "wasm.en.pagefind").write_bytes(data)
    (index / "pagefind-entry.json").write_text("{}", encoding="utf-8")
    (index / "shards.js").write_text("export const shards = [];", encoding="utf-8")
    (tmp_path / "html" / "index.html").write_text("<!DOCTYPE html><title>t</title>", encoding="utf-8")
    server = start_server(tmp_path, port=0)

    def get(path: str, gzip_accepted: bool = True) -> tuple[bytes, dict[str, str]]:
        request = urllib.request.Request(f"http://{HOST}:{server.server_address[1]}{path}",
                                         headers={"Accept-Encoding": "gzip, br" if gzip_accepted else "identity"})
        with urllib.request.urlopen(request) as answer:
            return answer.read(), {name.lower(): value for name, value in answer.headers.items()}

    try:
        body, headers = get("/html/pagefind/index/en_1234567.pf_index")
        assert body == data and headers["content-encoding"] == "gzip" and headers["cache-control"] == IMMUTABLE
        assert "Accept-Encoding" in headers["vary"]
        body, headers = get("/html/pagefind/index/en_1234567.pf_index", gzip_accepted=False)
        assert body == data and "content-encoding" not in headers and headers["cache-control"] == IMMUTABLE
        body, headers = get("/html/pagefind/wasm.en.pagefind")
        assert headers["content-encoding"] == "gzip" and headers["cache-control"] == REVALIDATE
        assert get("/html/pagefind/pagefind-entry.json?ts=0123abcd")[1]["cache-control"] == IMMUTABLE
        assert get("/html/pagefind/pagefind-entry.json?ts=0123abcd")[1].get("content-encoding") is None
        assert get("/html/pagefind/pagefind-entry.json")[1]["cache-control"] == REVALIDATE
        for path in ("/html/pagefind/shards.js", "/html/index.html"):
            assert get(path)[1]["cache-control"] == REVALIDATE and "content-encoding" not in get(path)[1]
        with pytest.raises(urllib.error.HTTPError) as missing:
            get("/html/pagefind/index/en_7654321.pf_index")
        assert missing.value.headers.get("Content-Encoding") is None
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("header, taken", [
    ("gzip, br", True), ("br;q=1.0, gzip;q=0.5", True), ("GZIP", True), ("*", True),
    ("gzip;q=0", False), ("gzip; q=0.0, br", False), ("identity", False), ("", False), ("*, gzip;q=0", False),
    ("gzip;q=bad", False),
])
def test_what_an_accept_encoding_header_takes(header: str, taken: bool) -> None:
    from toolkit.serve import accepts_gzip

    assert accepts_gzip(header) is taken
