"""The confinement rule: which files the toolkit reads, and which files a pointer may open.

One rule, used by validate, lint and build (and, through the list of allowed
documents the build hands the stylesheets, by the XSLT):

* every document and every file a pointer opens is a **regular file** (never
  a device, a named pipe, a socket or a folder) of at most ``max_size`` bytes
  (:data:`DEFAULT_MAX_SIZE`, raised with ``--max-size``), read without ever
  blocking (:func:`read_regular`);
* a pointer (``authority.xml#zorin``) opens a file only **inside the edition's
  root**: the ``--root`` folder when one is given, else the folder named on
  the command line that holds the document, else the document's own folder
  (``tei/`` for the edition). The test is made on real paths, so a symlink
  that leads out of the root is refused like ``../`` that does;
* a pointer's file part is a plain relative path: no scheme (``file:``), no
  host, not absolute, no NUL or control characters, no name longer than the
  file system allows (:func:`toolkit.pointers.confine_file` applies this part
  of the rule to a pointer, and says why it refuses one).

Pointers with another scheme (``https:``) are external: they are neither
checked nor followed. What a pointer means (parse, confine, resolve) is
:mod:`toolkit.pointers`; this module says which files are read at all.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from toolkit.errors import Problem, UsageError

#: Files larger than this are refused (64 MiB: the largest FRUS volumes are 10 to 20 MB).
DEFAULT_MAX_SIZE = 64 * 1024 * 1024
#: Each command's default limit: what it handles within 2 GB of memory, with room to spare
#: (bench/large.py measures the peak growth per MB of input: validate about 13 MB, lint 28, build 31 at
#: 50 MB (1.55 GB; 2.6 GB before its page was written by Saxon itself, bench/README.md "round four"),
#: diff 67: it holds both versions). --max-size or TEIKIT_MAX_SIZE raise it, for a machine with the
#: memory (docs/validation.md).
COMMAND_MAX_SIZE = {"validate": DEFAULT_MAX_SIZE, "lint": 56 * 1024 * 1024, "build": 48 * 1024 * 1024,
                    "serve": 48 * 1024 * 1024, "diff": 24 * 1024 * 1024}
#: The limit in force (None: not read yet from TEIKIT_MAX_SIZE, see :func:`max_size`).
_max_size: list[int | None] = [None]

_KINDS = ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a named pipe"), (stat.S_ISCHR, "a character device"),
          (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"))


class NotReadable(UsageError):
    """A file the toolkit refuses to read: not a regular file, too large, or unreadable."""


def max_size() -> int:
    """The size limit: --max-size (:func:`set_max_size`), else ``TEIKIT_MAX_SIZE`` from the
    environment (how worker processes inherit it; a user may set it too), else 64M."""
    if _max_size[0] is None:
        text = os.environ.get("TEIKIT_MAX_SIZE", "").strip()
        try:
            _max_size[0] = parse_size(text) if text else DEFAULT_MAX_SIZE
        except ValueError:
            raise UsageError(f'TEIKIT_MAX_SIZE="{text}" in the environment is not a size such as 64M, 500K or 1G',
                             hint="correct or unset it; --max-size SIZE sets the limit for one command") from None
    return _max_size[0]


def set_max_size(size: int) -> None:
    """Set the size limit for this process and the worker processes it starts."""
    _max_size[0] = size
    os.environ["TEIKIT_MAX_SIZE"] = str(size)


def parse_size(text: str) -> int:
    """``"64M"``, ``"200k"``, ``"1G"`` or a number of bytes; ValueError when it is none of these."""
    value = text.strip().upper().removesuffix("B").removesuffix("I")
    factor = 1
    for suffix, multiple in (("K", 1024), ("M", 1024 ** 2), ("G", 1024 ** 3)):
        if value.endswith(suffix):
            value, factor = value[:-1], multiple
            break
    if not (value.isascii() and value.isdigit()):  # int() also takes "٥", "1_000", " 5", "+5"
        raise ValueError(text)
    size = int(value) * factor
    if size < 1:
        raise ValueError(text)
    return size


def describe(mode: int) -> str:
    """What a non-regular file is, in words: "a named pipe", "a character device", ..."""
    return next((word for test, word in _KINDS if test(mode)), "not a regular file")


def _size_words(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB" if size >= 1024 * 1024 else f"{size} bytes"


def read_regular(path: Path, limit: int | None = None) -> bytes:
    """The bytes of the regular file at ``path``, or :class:`NotReadable` saying why not.

    The file is checked with ``stat`` before it is opened (so no device is
    ever opened), opened without blocking (a pipe swapped in meanwhile cannot
    hang the read) and checked again on the open descriptor; at most
    ``limit`` bytes (default: :func:`max_size`) are ever read.
    """
    limit = limit or max_size()
    shown = str(path)
    if "\x00" in shown:
        raise NotReadable("the file name contains a NUL character", path=repr(shown))
    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode):
            raise _not_regular(path, info.st_mode)
        handle = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except NotReadable:
        raise
    except OSError as exc:
        raise _os_error(path, exc) from None
    try:
        info = os.fstat(handle)
        if not stat.S_ISREG(info.st_mode):
            raise _not_regular(path, info.st_mode)
        if info.st_size > limit:
            raise too_large(path, info.st_size, limit)
        chunks, total = [], 0
        while True:
            chunk = os.read(handle, min(1 << 20, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > limit:  # the file grew while it was read
                raise too_large(path, total, limit)
        return b"".join(chunks)
    except OSError as exc:
        raise _os_error(path, exc) from None
    finally:
        os.close(handle)


def printable(name: str) -> str:
    from toolkit.paths import printable as shown

    return shown(name)


def _shown(path: Path) -> str:
    from toolkit.paths import display_path

    return display_path(path)


def _not_regular(path: Path, mode: int) -> NotReadable:
    if stat.S_ISDIR(mode):
        return NotReadable("is a directory, not a file", path=_shown(path),
                           hint="name the .xml files, or a folder to validate every .xml file in it")
    return NotReadable(f"is {describe(mode)}, not a regular file: refused", path=_shown(path),
                       hint="name a regular .xml file")


def too_large(path: Path, size: int, limit: int) -> NotReadable:
    """The refusal of a file of ``size`` bytes over ``limit``."""
    return NotReadable(f"is larger than the limit of {_size_words(limit)} ({_size_words(size)}): refused",
                       path=_shown(path), hint=f"raise the limit with --max-size, e.g. --max-size {size // 2**20 + 1}M")


def _os_error(path: Path, exc: OSError) -> NotReadable:
    if exc.errno == errno.ENOENT:
        return NotReadable("no such file", path=_shown(path), hint="check the path")
    if exc.errno == errno.ELOOP:
        return NotReadable("is a symbolic link that loops: refused", path=_shown(path), hint="remove the link")
    if exc.errno == errno.ENAMETOOLONG:
        return NotReadable("the file name is too long", path=_shown(path)[:120] + "...", hint="shorten it")
    return NotReadable(f"cannot be read: {exc.strerror or exc}", path=_shown(path))


def real_path(path: Path) -> Path | None:
    """The path with every symlink resolved, or None when that fails (a loop, a name too long, ...)."""
    try:
        return Path(os.path.realpath(path))
    except (OSError, ValueError, RuntimeError):
        return None


def inside(path: Path, root: Path) -> bool:
    """Whether real path ``path`` is ``root`` or lies below it (both real paths)."""
    return path == root or root in path.parents


def root_of(document: Path, folders: Sequence[Path] = (), root: Path | None = None) -> Path:
    """The real path of the folder a document's pointers are confined to (see the module docstring).

    ``folders`` are the folders named on the command line, as real paths.
    """
    if root is not None:
        return real_path(root) or root
    located = real_path(document.parent) or document.parent
    holding = [folder for folder in folders if inside(located, folder)]
    return max(holding, key=lambda folder: len(folder.parts)) if holding else located


def regular_documents(candidates: Iterable[Path], root: Path) -> tuple[list[Path], list[tuple[Path, str]]]:
    """The regular files among a folder's ``*.xml`` entries that lie inside ``root``, and why the others do not."""
    kept, refused = [], []
    # Whether each folder's real path lies inside root, found once: a folder holds thousands of documents,
    # and resolving every document's path anew cost an lstat per component of it (0.1 s at 10,000).
    inside_root: dict[str, bool] = {}
    for path in candidates:
        try:
            mode = os.lstat(path).st_mode
        except OSError:
            mode = None
        if mode is not None and stat.S_ISREG(mode):
            # A regular file, not a symbolic link: its real path is its folder's real path and its name.
            folder = os.path.dirname(path) or "."
            if folder not in inside_root:
                located = real_path(Path(folder))
                inside_root[folder] = located is not None and inside(located, root)
            if inside_root[folder]:
                kept.append(path)
                continue
        _one_candidate(path, root, kept, refused)
    return kept, refused


def _one_candidate(path: Path, root: Path, kept: list[Path], refused: list[tuple[Path, str]]) -> None:
    """:func:`regular_documents` for an entry that is not plainly a regular file inside root (a symbolic
    link, a folder, a device, a file whose folder leads out of root): resolved and looked at in full."""
    real = real_path(path)
    try:
        mode = os.stat(path).st_mode if real is not None else None
    except OSError as exc:
        refused.append((path, "a symbolic link that loops" if exc.errno == errno.ELOOP else
                        f"unreadable ({exc.strerror})"))
        return
    if real is None:
        refused.append((path, "a symbolic link that loops"))
    elif stat.S_ISDIR(mode):
        return  # a folder named *.xml: not a document
    elif not stat.S_ISREG(mode):
        refused.append((path, describe(mode)))
    elif not inside(real, root):
        refused.append((path, f"a symbolic link that leads outside {_shown(root)}"))
    else:
        kept.append(path)


@dataclass
class Selection:
    """The documents a command works on, and the confinement root of each.

    ``refused`` holds the ``*.xml`` entries of the folders named that are not
    documents the toolkit reads (a named pipe, a device, a symbolic link out of
    the folder or one that loops), each with why: they are reported as errors
    of their own, never opened.
    """

    files: list[Path]
    folders: list[Path] = field(default_factory=list)
    root: Path | None = None
    refused: list[tuple[Path, str]] = field(default_factory=list)
    #: (name left out, the name the file is read under): one file named twice, through a
    #: symbolic link, a hard link or two spellings of its path, is read once (see :func:`once`).
    repeated: list[tuple[Path, Path]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.files, repeated = once(self.files)
        self.repeated += repeated

    def repeated_problems(self) -> dict[Path, list[Problem]]:
        """A warning on each document that was also named under another name: it was read once."""
        found: dict[Path, list[Problem]] = {}
        for other, kept in self.repeated:
            found.setdefault(kept, []).append(Problem(
                _shown(kept), 1, 1, f"the same file is also named as {printable(str(other))}: read once, under this name",
                severity="warning", hint="name each document once (a symbolic link or a second path to it "
                                         "names it again)", rule="file-named-twice", step="parse"))
        return found

    def root_of(self, document: Path) -> Path:
        return root_of(document, self.folders, self.root)


def once(files: Iterable[Path]) -> tuple[list[Path], list[tuple[Path, Path]]]:
    """Each file once, by identity (device and inode), in the order named; and each other name
    of a file already kept, with the name kept. A file that cannot be looked at is kept (its
    reader says why)."""
    seen: dict[tuple[int, int], Path] = {}
    kept: list[Path] = []
    repeated: list[tuple[Path, Path]] = []
    for path in files:
        try:
            info = os.stat(path)
        except (OSError, ValueError):
            kept.append(path)
            continue
        first = seen.setdefault((info.st_dev, info.st_ino), path)
        if first is path:
            kept.append(path)
        elif path != first:
            repeated.append((path, first))
    return kept, repeated


def _parts(path: Path) -> tuple[str, ...]:
    return path.parts


def select(paths: Iterable[Path] = (), root: Path | None = None) -> Selection:
    """Turn the user's files and folders into documents (default: the project's, :func:`project_documents`).

    A file named is read whatever its location (the user chose it) but must be
    a regular file; a folder contributes its regular ``*.xml`` files, at any
    depth, that lie inside it.
    """
    paths = list(paths)
    if root is not None and not Path(root).is_dir():
        raise UsageError("the --root folder does not exist", path=_shown(Path(root)), hint="name an existing folder")
    if not paths:
        return project_documents(root)
    files, folders, refused = [], [], []
    for path in paths:
        if "\x00" in str(path):
            raise UsageError("a path with a NUL character names no file", hint="check the arguments")
        try:
            info = os.stat(path)
        except OSError as exc:
            if exc.errno == errno.ENOENT:
                raise UsageError("no such file or folder", path=_shown(path), hint="check the path") from None
            raise _os_error(path, exc) from None
        if stat.S_ISDIR(info.st_mode):
            real = real_path(path) or path
            # Sorted by their parts, the order of Path's own comparison, without its cost per comparison.
            kept, skipped = regular_documents(sorted(path.rglob("*.xml"), key=_parts), real)
            if not kept and not skipped:
                raise UsageError("folder holds no .xml documents", path=_shown(path))
            files += kept
            refused += skipped
            folders.append(real)
        elif stat.S_ISREG(info.st_mode):
            files.append(path)
        else:
            raise _not_regular(path, info.st_mode)
    return Selection(list(dict.fromkeys(files)), folders, root, refused)


def project_documents(root: Path | None = None) -> Selection:
    """The documents the project file's globs name (toolkit/project.py), each confined to the folder its glob
    starts from (``tei/`` for ``tei/*.xml``); a usage error outside any project, or when no file matches."""
    from toolkit import project

    found = project.current()
    if found is None:
        raise UsageError("no documents named, and no project file here or in any folder above",
                         hint="name the documents or folders to check, or run inside an edition: its "
                              "pyproject.toml [tool.teikit] or teikit.toml says where its documents are "
                              "(`teikit new DIR` starts one)")
    files, folders, refused = [], [], []
    by_folder: dict[Path, list[Path]] = {}
    for path, base in found.document_files():
        by_folder.setdefault(base, []).append(path)
    for base, candidates in by_folder.items():
        real = real_path(base) or base
        kept, skipped = regular_documents(candidates, real)
        files += kept
        refused += skipped
        folders.append(real)
    if not files and not refused:
        globs = ", ".join(pattern for pattern, _profile in found.documents) or "none"
        raise UsageError(f"the project's globs match no document ({globs})", path=_shown(found.file),
                         hint='list them under [tool.teikit.documents], e.g. "tei/*.xml" = "edition"')
    return Selection(sorted(dict.fromkeys(files)), folders, root, refused)
