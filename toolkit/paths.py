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
#: The vocabulary of the diplomatic reading, read by Python and XSLT alike (toolkit/vocabulary.py).
READING_VOCABULARY = XSLT_DIR / "reading.json"

RELAXNG_SCHEMA = SCHEMA_DIR / "telegram.rng"
SCHEMATRON_RULES = SCHEMA_DIR / "telegram.sch"
FRUS_RULES = SCHEMA_DIR / "frus.sch"
# TEI's own grammar, fetched by `make tei-all` (never committed).
CACHE_DIR = PROJECT_ROOT / ".cache"
TEI_ALL = CACHE_DIR / "tei_all" / "tei_all.rng"


def edition_documents(folder: Path = TEI_DIR) -> list[Path]:
    """Every TEI document of the edition, in a stable order: the regular ``*.xml`` files in
    ``folder`` (see :mod:`toolkit.confine` for what is left out, and why)."""
    from toolkit.confine import real_path, regular_documents

    return regular_documents(sorted(folder.glob("*.xml")), real_path(folder) or folder)[0]


def display_path(path: Path) -> str:
    """A path as a user should read it: relative to the working directory when it can be."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError, RuntimeError):  # elsewhere, a NUL, a loop, a name too long
        return str(path)
