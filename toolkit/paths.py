"""Where the project's parts live: the edition, schemas and stylesheets.

The toolkit ships with the edition repository (it is installed editable), so
the folders are found relative to the package rather than as package data.
"""

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
TEI_DIR = PROJECT_ROOT / "tei"
SCHEMA_DIR = PROJECT_ROOT / "schemas"
XSLT_DIR = PROJECT_ROOT / "xslt"
BUILD_DIR = PROJECT_ROOT / "build"

RELAXNG_SCHEMA = SCHEMA_DIR / "telegram.rng"
SCHEMATRON_RULES = SCHEMA_DIR / "telegram.sch"
# TEI's own grammar, fetched by `make tei-all` (never committed).
CACHE_DIR = PROJECT_ROOT / ".cache"
TEI_ALL = CACHE_DIR / "tei_all" / "tei_all.rng"


def edition_documents(folder: Path = TEI_DIR) -> list[Path]:
    """Every TEI document of the edition, in a stable order: the regular ``*.xml`` files in
    ``folder`` (see :mod:`toolkit.confine` for what is left out, and why)."""
    from toolkit.confine import real_path, regular_documents

    return regular_documents(sorted(folder.glob("*.xml")), real_path(folder) or folder)[0]


def display_path(path: Path) -> str:
    """A path as a user should read it: relative to the working directory when it can be, shown
    safely (:func:`printable`)."""
    try:
        shown = str(path.resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError, RuntimeError):  # elsewhere, a NUL, a loop, a name too long
        shown = str(path)
    return shown if shown.isprintable() else printable(shown)


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
