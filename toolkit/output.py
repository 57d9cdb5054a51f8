"""The output folder: staged writes, all-or-nothing commits, and a manifest of what the build owns.

A build never writes an output file in place. Every file of a run (each
document's pages, texts and citations, the index page and assets) is first
written into a staging folder inside the output folder
(``OUT/.teikit-staging-PID-XXXX/``), with the permissions ``open()`` would
give (``0666`` less the umask). Only when every file of the run is staged are
they renamed into place, one ``os.replace`` each (atomic, on the same file
system): a full disk, a crash or a signal while staging leaves the earlier
outputs exactly as they were, and the staging folder is removed on every exit
path (a later build removes those of builds killed with ``kill -9``).

``OUT/.teikit-manifest.json`` lists, for each source document, the files the
build wrote for it and the card the index page shows of it. It is how the
build knows which files it owns: files a document no longer makes (its
``xml:id`` changed) and the files of documents whose source is gone are
removed; nothing else in the output folder is ever touched. It also lets the
index page show a document that is invalid now as it was when it last built.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from toolkit.errors import EXIT_USAGE, ToolkitError, UsageError
from toolkit.paths import display_path

MANIFEST = ".teikit-manifest.json"
#: Every file the manifest lists, one relative path a line: what `make` checks is still there.
OUTPUT_LIST = ".teikit-outputs"
STAGING_PREFIX = ".teikit-staging-"
_STAGING = re.compile(rf"^{re.escape(STAGING_PREFIX)}(\d+)-")
# Temporary files of write_atomic (".NAME.XXXXXXXX.tmp"), left by builds killed before staging existed.
_LEGACY_TEMPORARY = re.compile(r"^\..+\.[A-Za-z0-9_]{8}\.tmp$")
MAX_NAME = 255


class OutputError(ToolkitError):
    """The outputs cannot be written (a full disk, an unwritable folder); earlier outputs are kept."""

    exit_code = EXIT_USAGE


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


def write_file(path: Path, content: str | bytes) -> None:
    """Write a new file (staging only: never over an existing one), mode as ``open()`` gives it."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    with os.fdopen(handle, "wb") as stream:
        stream.write(data)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _clean_stale(out_dir: Path) -> None:
    """Remove the staging folders of builds that died, and write_atomic's leftovers of older builds."""
    for entry in out_dir.iterdir():
        match = _STAGING.match(entry.name)
        if match and entry.is_dir() and not entry.is_symlink() and not _alive(int(match.group(1))):
            shutil.rmtree(entry, ignore_errors=True)
    for folder, _, names in os.walk(out_dir):
        if Path(folder).name.startswith(STAGING_PREFIX):
            continue
        for name in names:
            if _LEGACY_TEMPORARY.match(name):
                (Path(folder) / name).unlink(missing_ok=True)


def _usage(out_dir: Path, what: str, exc: OSError) -> OutputError:
    return OutputError(f"{what}: {exc.strerror or exc}", path=display_path(out_dir),
                       hint="choose another --out folder, or make this one writable")


@dataclass
class Entry:
    """What the manifest records of one source document."""

    files: list[str] = field(default_factory=list)
    card: str | None = None


class OutputFolder:
    """One run's writes into ``out_dir``: :meth:`stage` files, then :meth:`commit` them all, or :meth:`discard`."""

    def __init__(self, out_dir: Path):
        self.out_dir = out_dir
        if out_dir.exists() and not out_dir.is_dir():
            raise UsageError("the output folder is a file, not a folder", path=display_path(out_dir),
                             hint="give --out a folder (it is created when missing)")
        try:
            out_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise _usage(out_dir, "the output folder cannot be created", exc) from None
        try:
            _clean_stale(out_dir)
            self.staging = Path(tempfile.mkdtemp(prefix=f"{STAGING_PREFIX}{os.getpid()}-", dir=out_dir))
            os.chmod(self.staging, 0o777 & ~_umask())
        except OSError as exc:
            raise _usage(out_dir, "cannot write into the output folder", exc) from None
        self.edition_files: list[str] = []
        self.manifest = self._read_manifest()
        self._owners = {relative: source for source, entry in self.manifest.items() for relative in entry.files}

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

    # -- committing ------------------------------------------------------------------------

    def commit(self, staged: dict[str, Path]) -> list[Path]:
        """Rename every staged file (relative name -> staged path) into place; the final paths."""
        placed = []
        try:
            for relative, source in staged.items():
                target = self.out_dir / relative
                target.parent.mkdir(parents=True, exist_ok=True)
                os.replace(source, target)
                placed.append(target)
        except OSError as exc:
            raise _usage(self.out_dir, "the outputs could not be put in place", exc) from None
        return placed

    def commit_folder(self, relative: str, staged: Path) -> None:
        """Put a staged folder in place of ``relative`` whole (the search index, whose files are
        named by their content): the old folder is moved into the staging area (removed with it),
        then the new one renamed in, two renames on the same file system."""
        target = self.out_dir / relative
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            if target.is_symlink() or target.is_file():
                target.unlink()
            elif target.exists():
                os.replace(target, Path(tempfile.mkdtemp(prefix="replaced-", dir=self.staging)) / target.name)
            os.replace(staged, target)
        except OSError as exc:
            raise _usage(self.out_dir, "the outputs could not be put in place", exc) from None

    def remove_owned(self, relatives: set[str]) -> None:
        """Remove files of the output folder the manifest says the build wrote and no longer makes."""
        root = self.out_dir.resolve()
        for relative in relatives:
            target = self.out_dir / relative
            try:
                if target.is_file() and not target.is_symlink() and root in target.resolve().parents:
                    target.unlink()
            except OSError:
                continue

    def discard(self) -> None:
        shutil.rmtree(self.staging, ignore_errors=True)

    # -- the manifest ----------------------------------------------------------------------

    def _read_manifest(self) -> dict[str, Entry]:
        try:
            data = json.loads((self.out_dir / MANIFEST).read_text(encoding="utf-8"))
            self.edition_files = sorted(map(str, data.get("edition", [])))
            return {source: Entry(list(map(str, entry.get("files", []))), entry.get("card"))
                    for source, entry in data.get("documents", {}).items()}
        except (OSError, ValueError, AttributeError, TypeError):
            return {}

    def write_manifest(self, entries: dict[str, Entry], edition_files: list[str]) -> None:
        """Write the manifest and the plain list of every file it names (edition files included)."""
        edition_files = sorted(set(edition_files) | set(self.edition_files))
        text = json.dumps({"version": 1, "edition": edition_files,
                           "documents": {source: {"files": entry.files, "card": entry.card}
                                         for source, entry in sorted(entries.items())}},
                          indent=1, ensure_ascii=False)
        listed = sorted({relative for entry in entries.values() for relative in entry.files} | set(edition_files))
        self.commit({MANIFEST: self.stage(self.staging, MANIFEST, text + "\n"),
                     OUTPUT_LIST: self.stage(self.staging, OUTPUT_LIST, "".join(f"{name}\n" for name in listed))})

    def owner(self, relative: str) -> str | None:
        """The source document the manifest says wrote ``relative``."""
        return self._owners.get(relative)
