"""The output folder: staged writes, one journaled commit, a lock, and a manifest of what the build owns.

A build never writes an output file in place. Every file of a run (each
document's pages, texts and citations, the index page and assets, and the
manifest itself) is first written into a staging folder inside the output
folder (``OUT/.teikit-staging-PID-XXXX/``), with the permissions ``open()``
would give (``0666`` less the umask). A full disk, a crash or a signal while
staging leave the earlier outputs exactly as they were.

The commit (:meth:`OutputFolder.commit`) then puts the run in place in one
step that a signal cannot split:

1. the *journal*, ``OUT/.teikit-journal.json``, lists every rename (staged
   file -> its place) and every removal of the commit; it is written beside
   the staged files and renamed into ``OUT`` (atomic): that rename is the
   commit point. Anything that fails before it (a full disk) leaves the
   earlier outputs as they were;
2. the renames and removals are carried out with SIGINT, SIGTERM and SIGHUP
   deferred: a signal that arrives meanwhile takes effect once they are done
   (the run's outputs are then all in place, and the command exits 130 or
   143); then the journal is removed;
3. a build killed with SIGKILL, or a machine that stopped, during step 2
   leaves the journal and its staging folder: the next build into ``OUT``
   completes the commit first (roll forward; each step can be done twice).

Readers of ``OUT`` (a web server) can see a mix of old and new files only
while step 2 runs (milliseconds: renames within one file system), never
after. Guarantees hold against signals and crashes of the process; no file is
fsync'ed, so not against the loss of power.

Only files that were not changed are left alone: an output not staged and not
removed by a commit stays as it is, so an unchanged document's outputs carry
over at no cost (an incremental build simply stages nothing for it); and a
staged file whose bytes and permissions are those of the file in its place is
not renamed over it (the site-wide pages, made again on every build, mostly
come out the same): a commit touches only the files that changed.

One build at a time: the output folder is locked for the whole run
(``fcntl.flock`` on ``OUT/.teikit-lock``); a second build into it stops at
once with :class:`BusyError` (exit 2), naming the process that holds it.

``OUT/.teikit-manifest.json`` lists, for each source document, the files the
build wrote for it and the card the index page shows of it. It is how the
build knows which files it owns: files a document no longer makes (its
``xml:id`` changed) and the files of documents whose source is gone are
removed; nothing else in the output folder is ever touched (files of the
user's, or of an older toolkit, that look like temporary files included).
It also lets the index page show a document that is invalid now as it was
when it last built.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import re
import shutil
import signal
import stat
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from toolkit.errors import EXIT_USAGE, ToolkitError, UsageError
from toolkit.paths import display_path, printable

MANIFEST = ".teikit-manifest.json"
#: Every file the manifest lists, one relative path a line: what `make` checks is still there.
OUTPUT_LIST = ".teikit-outputs"
#: The commit in progress (see the module's docstring).
JOURNAL = ".teikit-journal.json"
#: Held (flock) by the build writing into the folder.
LOCK = ".teikit-lock"
STAGING_PREFIX = ".teikit-staging-"
_STAGING = re.compile(rf"^{re.escape(STAGING_PREFIX)}(\d+)-")
MAX_NAME = 255
#: Signals whose effect waits until a commit is done.
_DEFERRED_SIGNALS = tuple(getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name))


class OutputError(ToolkitError):
    """The outputs cannot be written (a full disk, an unwritable folder); earlier outputs are kept."""

    exit_code = EXIT_USAGE


class BusyError(OutputError):
    """Another build is writing into the output folder."""


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def file_mode() -> int:
    """The mode ``open()`` gives a new file under the process's umask."""
    return 0o666 & ~_umask()


def name_problem(relative: str) -> str | None:
    """Why an output's relative name cannot be written, or None (every part at most 255 bytes)."""
    longest = max(relative.split("/"), key=lambda part: len(part.encode("utf-8")))
    size = len(longest.encode("utf-8"))
    if size > MAX_NAME:
        return (f'the output file name "{longest[:40]}..." is {size} bytes long, more than the {MAX_NAME} '
                f"a file system allows")
    return None


def write_file(path: Path, content: str | bytes | Path) -> None:
    """Write a new file (staging only: never over an existing one), mode as ``open()`` gives it. A
    :class:`pathlib.Path` is a file already written on the same file system (a page Saxon wrote itself,
    toolkit/transform.py, ``spool``): it is moved there, not read and copied."""
    if isinstance(content, Path):
        _move_new(content, path)
        return
    data = content.encode("utf-8") if isinstance(content, str) else content
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL
    try:
        handle = os.open(path, flags, 0o666)
    except FileNotFoundError:  # its folder is made with its first file (not a mkdir call for every file)
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = os.open(path, flags, 0o666)
    with os.fdopen(handle, "wb") as stream:
        stream.write(data)


def _move_new(source: Path, path: Path) -> None:
    """Move ``source`` to ``path``, which must not exist (as ``O_EXCL`` for a written file)."""
    os.chmod(source, file_mode())
    try:
        os.link(source, path)  # fails if path exists, as O_EXCL does
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        os.link(source, path)
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.EOPNOTSUPP, errno.EXDEV) or os.path.lexists(path):
            raise
        os.rename(source, path)  # a file system without hard links: the staging folder is this run's alone
        return
    os.unlink(source)


def _same_content(staged: Path, target: Path) -> bool:
    """Whether ``target`` is a regular file (not a link) with the bytes and permissions of ``staged``."""
    try:
        mine, theirs = os.stat(staged), os.lstat(target)
    except OSError:
        return False
    if (not stat.S_ISREG(theirs.st_mode) or theirs.st_size != mine.st_size
            or stat.S_IMODE(theirs.st_mode) != stat.S_IMODE(mine.st_mode)):
        return False
    try:
        with open(staged, "rb") as first, open(target, "rb") as second:
            while True:
                block = first.read(1 << 16)
                if block != second.read(1 << 16):
                    return False
                if not block:
                    return True
    except OSError:
        return False


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _usage(out_dir: Path, what: str, exc: OSError) -> OutputError:
    return OutputError(f"{what}: {exc.strerror or exc}", path=display_path(out_dir),
                       hint="choose another --out folder, or make this one writable")


@contextlib.contextmanager
def signals_deferred():
    """SIGINT, SIGTERM and SIGHUP received inside the block take effect when it ends (their own
    handlers then run: Ctrl-C raises KeyboardInterrupt after the block). Only the main thread can
    set handlers; elsewhere the block runs as it is."""
    received: list[int] = []
    saved: dict[int, object] = {}

    def defer(signum, frame) -> None:
        received.append(signum)

    try:
        for number in _DEFERRED_SIGNALS:
            saved[number] = signal.signal(number, defer)
    except ValueError:  # not the main thread
        pass
    try:
        yield
    finally:
        for number, handler in saved.items():
            signal.signal(number, handler)
        if received:
            signal.raise_signal(received[0])


class ManifestError(UsageError):
    """OUT/.teikit-manifest.json is there but is not a manifest teikit wrote: the build stops
    before anything is written (what the build owns, and may remove, is unknown)."""

    def __init__(self, path: Path, what: str):
        super().__init__(f"the build manifest {what}", path=display_path(path),
                         hint="delete it: the next build writes a new one (the files it listed are then "
                              "kept as they are, not removed when stale)")


def _relative_name(value: object) -> bool:
    """A relative output name the build could have written: ``html/d1.html``, never ``../x`` or ``/x``."""
    return (isinstance(value, str) and bool(value) and value.isprintable() and not value.startswith("/")
            and "\\" not in value and all(part not in ("", ".", "..") for part in value.split("/")))


def _card_problem(card: object) -> str | None:
    """Why ``card`` is not an index card the build wrote (``<t:card page="..."/>``), or None."""
    from lxml import etree

    if card is None:
        return None
    if not isinstance(card, str):
        return "is not text"
    try:
        element = etree.fromstring(card.encode("utf-8"), etree.XMLParser(resolve_entities=False, no_network=True,
                                                                         load_dtd=False))
    except (etree.XMLSyntaxError, ValueError):
        return "is not XML"
    if element.tag != "{urn:telegram2477:xslt}card":
        return "is not a <t:card>"
    page = element.get("page")
    if page is not None and not (_relative_name(page) and page.endswith(".html")):
        return f'names a page "{page[:80]}" outside html/'
    return None


def read_manifest(text: str, path: Path) -> tuple[dict[str, Entry], list[str]]:
    """The documents' entries and the edition files of a manifest's text, checked field by field:
    whatever is in it, a manifest that is not teikit's is a :class:`ManifestError` naming the field."""
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise ManifestError(path, f"is not JSON: {exc}") from None
    if not isinstance(data, dict):
        raise ManifestError(path, "is not a JSON object")
    edition = data.get("edition", [])
    if not isinstance(edition, list) or not all(map(_relative_name, edition)):
        raise ManifestError(path, '"edition" is not a list of relative file names')
    documents = data.get("documents", {})
    if not isinstance(documents, dict):
        raise ManifestError(path, '"documents" is not an object')
    entries: dict[str, Entry] = {}
    for source, entry in documents.items():
        where = f'entry "{printable(source[:120])}"'
        if not source.startswith("/") or not isinstance(entry, dict):
            raise ManifestError(path, f"{where} is not an absolute source path with an object")
        files = entry.get("files", [])
        if not isinstance(files, list) or not all(map(_relative_name, files)):
            raise ManifestError(path, f'{where}: "files" is not a list of relative file names')
        problem = _card_problem(entry.get("card"))
        if problem:
            raise ManifestError(path, f'{where}: "card" {problem}')
        entries[source] = Entry(list(files), entry.get("card"))
    return entries, sorted(edition)


@dataclass
class Entry:
    """What the manifest records of one source document."""

    files: list[str] = field(default_factory=list)
    card: str | None = None


class OutputFolder:
    """One run's writes into ``out_dir``: :meth:`stage` files, then :meth:`commit` them all, or :meth:`discard`.

    Opening it locks the folder (:class:`BusyError` if another build holds it), completes a
    commit a killed build left half done, and removes the staging folders of dead builds."""

    def __init__(self, out_dir: Path):
        self.out_dir = out_dir
        if out_dir.exists() and not out_dir.is_dir():
            raise UsageError("the output folder is a file, not a folder", path=display_path(out_dir),
                             hint="give --out a folder (it is created when missing)")
        try:
            out_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise _usage(out_dir, "the output folder cannot be created", exc) from None
        self._lock = self._take_lock()
        self.staging: Path | None = None
        try:
            self._complete_journal()
            self._clean_stale()
            self.staging = Path(tempfile.mkdtemp(prefix=f"{STAGING_PREFIX}{os.getpid()}-", dir=out_dir))
            os.chmod(self.staging, 0o777 & ~_umask())
        except OSError as exc:
            self.release()
            raise _usage(out_dir, "cannot write into the output folder", exc) from None
        except BaseException:
            self.release()
            raise
        self.edition_files: list[str] = []
        self._pending = False
        try:
            self.manifest = self._read_manifest()
        except BaseException:
            self.discard()
            raise
        self._owners = {relative: source for source, entry in self.manifest.items() for relative in entry.files}
        # A commit left pending (it failed half-way): its staged files must outlive this run.
        self._pending = False

    # -- the lock --------------------------------------------------------------------------

    def _take_lock(self) -> int:
        import fcntl

        path = self.out_dir / LOCK
        try:
            handle = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
        except OSError as exc:
            raise _usage(self.out_dir, "cannot write into the output folder", exc) from None
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            holder = os.pread(handle, 32, 0).decode("ascii", "replace").strip()
            os.close(handle)
            if exc.errno not in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                raise _usage(self.out_dir, "cannot lock the output folder", exc) from None
            raise BusyError("another teikit build is writing into this output folder"
                            + (f" (process {holder})" if holder.isdigit() else ""),
                            path=display_path(self.out_dir),
                            hint="wait until it has finished and build again, or build into another --out") from None
        with contextlib.suppress(OSError):
            os.ftruncate(handle, 0)
            os.pwrite(handle, f"{os.getpid()}\n".encode("ascii"), 0)
        return handle

    def release(self) -> None:
        """Unlock the folder (the lock file stays: removing it would race with the next build)."""
        if self._lock is not None:
            os.close(self._lock)  # closing the descriptor drops the flock
            self._lock = None

    # -- what dead builds left -------------------------------------------------------------

    def _complete_journal(self) -> None:
        """Finish the commit a killed build left half done (its journal names every step)."""
        journal = self.out_dir / JOURNAL
        try:
            data = json.loads(journal.read_text(encoding="utf-8"))
            renames = [(str(source), str(target)) for source, target in data["renames"]]
            removals = [str(relative) for relative in data["remove"]]
        except FileNotFoundError:
            return
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise OutputError(f"the journal of an interrupted build cannot be read: {exc}",
                              path=display_path(journal),
                              hint="remove the output folder and build again") from None
        self._carry_out(renames, removals)
        journal.unlink()
        staging = str(data.get("staging", ""))
        if _STAGING.match(staging) and "/" not in staging:
            shutil.rmtree(self.out_dir / staging, ignore_errors=True)

    def _clean_stale(self) -> None:
        """Remove the staging folders of builds that died (the lock says none is running)."""
        for entry in self.out_dir.iterdir():
            match = _STAGING.match(entry.name)
            if match and entry.is_dir() and not entry.is_symlink() and not _alive(int(match.group(1))):
                shutil.rmtree(entry, ignore_errors=True)

    # -- staging ---------------------------------------------------------------------------

    def slot(self, number: int) -> Path:
        """The staging folder of the run's ``number``-th document."""
        return self.staging / str(number)

    def stage(self, folder: Path, relative: str, content: str | bytes) -> Path:
        try:
            target = folder / relative
            write_file(target, content)
            return target
        except OSError as exc:
            raise _usage(self.out_dir, "the outputs could not be written (earlier outputs kept)", exc) from None

    def placement_problems(self, relatives: dict[str, str]) -> dict[str, tuple[str, str | None]]:
        """Why some of the run's outputs could not be put in place, found before anything is written.

        ``relatives`` maps each output's relative name to who makes it. A name
        is refused when another output of the run needs it as a folder
        (``html/index.html`` and ``html/index.html/d1.html``: both are refused,
        each naming the other), when the output folder holds a folder there, or
        a file where a folder is needed. Returns name -> (why, the other
        output of the run in the way, or None when the folder's content is)."""
        problems: dict[str, tuple[str, str | None]] = {}
        folders: dict[str, str] = {}
        for relative in relatives:
            parts = relative.split("/")
            for depth in range(1, len(parts)):
                folders.setdefault("/".join(parts[:depth]), relative)
        kinds: dict[str, str | None] = {}

        def kind(relative: str) -> str | None:
            if relative not in kinds:
                path = self.out_dir / relative
                kinds[relative] = ("folder" if path.is_dir() and not path.is_symlink() else
                                   "file" if os.path.lexists(path) else None)
            return kinds[relative]

        for relative, maker in relatives.items():
            if relative in folders:
                other = folders[relative]
                problems[relative] = (f"{relative} would have to be a folder for {other} (made by {relatives[other]})",
                                      other)
                problems.setdefault(other, (f"{other} needs {relative} as a folder, but {maker} makes it a file",
                                            relative))
            elif kind(relative) == "folder":
                problems[relative] = (f"{display_path(self.out_dir / relative)} is a folder", None)
            else:
                parts = relative.split("/")
                for depth in range(1, len(parts)):
                    parent = "/".join(parts[:depth])
                    if kind(parent) == "file":
                        problems[relative] = (f"{display_path(self.out_dir / parent)} is a file, not a folder", None)
                        break
        return problems

    # -- committing ------------------------------------------------------------------------

    def commit(self, staged: dict[str, Path], remove: set[str] = frozenset(),
               manifest: tuple[dict[str, Entry], list[str]] | None = None) -> list[Path]:
        """Put the run in place in one journaled step (see the module's docstring): every staged file
        (relative name -> staged path) renamed into place, the files in ``remove`` (owned by the
        manifest, no longer made) removed, and the manifest (its entries, the edition's files) written
        with them. Returns the final paths of the staged files."""
        # A staged file with the very bytes and mode of the file in its place is not put there: the
        # file stays as it was (inode and time), so a rebuild touches only what changed.
        renames = {relative: source for relative, source in staged.items() if not _same_content(source, self.out_dir / relative)}
        if manifest is not None:
            renames.update(self._stage_manifest(*manifest))
        removals = sorted(set(remove) - set(renames))
        steps = [(os.path.relpath(source, self.out_dir), relative) for relative, source in renames.items()]
        # The manifest last: until it is in place, the previous one describes the folder.
        steps.sort(key=lambda step: step[1] in (MANIFEST, OUTPUT_LIST))
        text = json.dumps({"version": 1, "staging": self.staging.name, "renames": steps, "remove": removals},
                          ensure_ascii=False)
        try:
            for relative in renames:
                (self.out_dir / relative).parent.mkdir(parents=True, exist_ok=True)
            written = self.stage(self.staging, JOURNAL, text)
            with signals_deferred():
                os.replace(written, self.out_dir / JOURNAL)  # the commit point
                self._pending = True
                self._carry_out(steps, removals)
                (self.out_dir / JOURNAL).unlink()
                self._pending = False
        except OSError as exc:
            if self._pending:
                raise _usage(self.out_dir, "the outputs could not all be put in place (the next build into this "
                             "folder completes them)", exc) from None
            raise _usage(self.out_dir, "the outputs could not be put in place (earlier outputs kept)", exc) from None
        return [self.out_dir / relative for relative in staged]

    def _carry_out(self, renames: list[tuple[str, str]], removals: list[str]) -> None:
        """The steps of a journal; each may have been done already (a commit completed after a crash)."""
        for source, relative in renames:
            source_path, target = self.out_dir / source, self.out_dir / relative
            if os.path.lexists(source_path):
                target.parent.mkdir(parents=True, exist_ok=True)
                os.replace(source_path, target)
        self._remove_owned(removals)

    def _remove_owned(self, relatives: list[str]) -> None:
        """Remove files the manifest says the build wrote and no longer makes, and the folders that
        leaves empty below the output's own folder (``html/VOLUME/``)."""
        root = self.out_dir.resolve()
        for relative in relatives:
            target = self.out_dir / relative
            try:
                if target.is_file() and not target.is_symlink() and root in target.resolve().parents:
                    target.unlink()
                    # the folders it leaves empty, below the top one (html/pagefind/shards/VOLUME/fragment/)
                    for _ in range(relative.count("/") - 1):
                        target = target.parent
                        target.rmdir()  # only when empty
            except OSError:
                continue

    def discard(self) -> None:
        """Remove the staging folder (kept when a commit is pending: the next build completes it)
        and unlock the folder."""
        if self.staging is not None and not self._pending:
            shutil.rmtree(self.staging, ignore_errors=True)
        self.release()

    # -- the manifest ----------------------------------------------------------------------

    def _read_manifest(self) -> dict[str, Entry]:
        """The manifest of earlier builds ({} when there is none); a usage error naming what is
        wrong when it is not one teikit wrote (:func:`read_manifest`)."""
        path = self.out_dir / MANIFEST
        try:
            text = path.read_bytes().decode("utf-8")
        except FileNotFoundError:
            return {}
        except (OSError, UnicodeDecodeError) as exc:
            raise ManifestError(path, f"cannot be read: {getattr(exc, 'strerror', None) or exc}") from None
        entries, self.edition_files = read_manifest(text, path)
        return entries

    def _stage_manifest(self, entries: dict[str, Entry], edition_files: list[str]) -> dict[str, Path]:
        """Stage the manifest and the plain list of every file it names (edition files included)."""
        edition_files = sorted(set(edition_files) | set(self.edition_files))
        text = json.dumps({"version": 1, "edition": edition_files,
                           "documents": {source: {"files": entry.files, "card": entry.card}
                                         for source, entry in sorted(entries.items())}},
                          indent=1, ensure_ascii=True)  # source paths are bytes: non-UTF-8 ones as \udcXX escapes
        listed = sorted({relative for entry in entries.values() for relative in entry.files} | set(edition_files))
        return {MANIFEST: self.stage(self.staging, MANIFEST, text + "\n"),
                OUTPUT_LIST: self.stage(self.staging, OUTPUT_LIST, "".join(f"{name}\n" for name in listed))}

    def owner(self, relative: str) -> str | None:
        """The source document the manifest says wrote ``relative``."""
        return self._owners.get(relative)
