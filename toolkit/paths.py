"""Where the toolkit's parts live: its stylesheets and schemas, the edition, the cache.

The stylesheets (with the pages' CSS and JavaScript) and the schemas are
package data: the repository keeps them in its top-level ``xslt/`` and
``schemas/`` folders, which pyproject.toml maps into the package as
``toolkit.xslt`` and ``toolkit.schemas``. They are found through
:mod:`importlib.resources`, so an editable install (the repository's own
.venv) reads the repository's files and a wheel reads its own copies.
"""

import functools
import os
from importlib.resources import files
from pathlib import Path


# The repository when the toolkit runs from a clone (the tests, `make`); in a wheel, site-packages.
PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _package_folder(package: str, repository_folder: str) -> Path:
    """The folder of a data package, as a real path (lxml, Saxon and Jing open files by name)."""
    try:
        return Path(str(files(package)))
    except ModuleNotFoundError:
        # An editable install older than the mapping (a .venv made before it; `make setup`
        # renews it) knows only toolkit/: the repository's folder is the same one.
        return PROJECT_ROOT / repository_folder


TEI_DIR = PROJECT_ROOT / "tei"
SCHEMA_DIR = _package_folder("toolkit.schemas", "schemas")
XSLT_DIR = _package_folder("toolkit.xslt", "xslt")
BUILD_DIR = PROJECT_ROOT / "build"
#: The vocabulary of the diplomatic reading, read by Python and XSLT alike (toolkit/vocabulary.py).
READING_VOCABULARY = XSLT_DIR / "reading.json"

RELAXNG_SCHEMA = SCHEMA_DIR / "telegram.rng"
SCHEMATRON_RULES = SCHEMA_DIR / "telegram.sch"


def _tei_all() -> Path:
    from toolkit.teiall import cached_path

    return cached_path()


# TEI's own grammar, fetched on first need into the user's cache folder (toolkit/teiall.py).
TEI_ALL = _tei_all()


def edition_documents(folder: Path = TEI_DIR) -> list[Path]:
    """Every TEI document of the edition, in a stable order: the regular ``*.xml`` files in
    ``folder`` (see :mod:`toolkit.confine` for what is left out, and why)."""
    from toolkit.confine import real_path, regular_documents

    return regular_documents(sorted(folder.glob("*.xml")), real_path(folder) or folder)[0]


def display_path(path: Path) -> str:
    """A path as a user should read it: relative to the working directory when it can be, shown
    safely (:func:`printable`)."""
    try:
        # What path.resolve().relative_to(Path.cwd().resolve()) gives, without resolving the same
        # folders again for every document of a run (a report names each one).
        shown = relative_to(_resolved_name(Path(path)), str(_resolved_folder(os.getcwd()))) or str(path)
    except (ValueError, OSError, RuntimeError):  # a NUL, a loop, a name too long
        shown = str(path)
    return shown if shown.isprintable() else printable(shown)


def relative_to(full: str, base: str) -> str | None:
    """``full`` relative to ``base`` (two resolved, absolute paths) as Path.relative_to gives it, or None
    when it does not lie below ``base``."""
    if full == base:
        return "."
    base = base.rstrip("/") + "/"
    return full[len(base):] if full.startswith(base) else None


def resolved_path(path: Path) -> Path:
    """``path.resolve()``, resolving each folder once per process (documents share a few folders)."""
    name = path.name
    if name in ("", ".", "..") or ".." in path.parts or os.path.islink(path):
        return path.resolve()  # (a ".." after a symbolic link is not the folder abspath() would make of it)
    # Keyed by the absolute folder: a relative one ("." for "doc.xml") means another folder after a chdir.
    return _resolved_folder(os.path.abspath(path.parent)) / name


def _resolved_name(path: Path) -> str:
    """``str(resolved_path(path))``, without making a Path of it (a report names every document)."""
    name = path.name
    if name in ("", ".", "..") or ".." in path.parts or os.path.islink(path):
        return str(path.resolve())
    return os.path.join(str(_resolved_folder(os.path.abspath(path.parent))), name)


@functools.lru_cache(maxsize=256)
def _resolved_folder(folder: str) -> Path:
    return Path(folder).resolve()


def printable(name: str) -> str:
    """A file name as text that can be written anywhere: one line, valid UTF-8, unambiguous in a report.

    File names are bytes: Python carries those that are not UTF-8 as lone
    surrogates (os.fsdecode's "surrogateescape"), which no UTF-8 output can
    hold. They are shown as ``\\xNN`` (the byte), and characters that would
    break a line or hide (newline, tab, other controls, U+0085, U+2028, a no-break space)
    as their Python escapes (``\\n``, ``\\t``, ``\\x85``, ``\\u2028``, ``\\xa0``). The file
    itself is always opened by its real name (the bytes), never by this one.
    """
    shown = []
    for character in name:
        code = ord(character)
        if character.isprintable():
            shown.append(character)
        elif 0xDC80 <= code <= 0xDCFF:  # a byte that is not UTF-8, as surrogateescape carries it
            shown.append(f"\\x{code - 0xDC00:02x}")
        else:
            shown.append(character.encode("unicode_escape").decode("ascii"))
    return "".join(shown)
