"""``teikit new DIR``: a new edition that validates and builds as it is.

The edition is the template in ``toolkit/template/`` (package data), filled
in with the edition's name and today's date: its project file (``teikit.toml``),
a template document and the authority file it points to (``tei/``), a
starter grammar and starter rules to tighten (``schemas/edition.rng`` and
``schemas/edition.sch``: copies of teikit's own edition grammar and rules,
which the template documents declare in ``<?xml-model?>`` for XML editors), a
``.gitignore`` and a CI workflow (``.github/workflows/teikit.yml``: validate
with ``--format github``, then build).

Nothing is half-written: the edition is written into a hidden folder beside
``DIR`` and renamed into place at the end; a ``DIR`` that exists and is not
empty is refused.
"""

from __future__ import annotations

import datetime as _dt
import os
import shutil
import tempfile
from pathlib import Path
from xml.sax.saxutils import escape

from toolkit.errors import UsageError
from toolkit.paths import RELAXNG_SCHEMA, SCHEMATRON_RULES

TEMPLATE = Path(__file__).resolve().parent / "template"
#: Template file -> where it goes in the new edition.
FILES = {
    "teikit.toml": "teikit.toml",
    "tei/document.xml": "tei/document.xml",
    "tei/authority.xml": "tei/authority.xml",
    "gitignore": ".gitignore",
    "workflow.yml": ".github/workflows/teikit.yml",
}
#: The starter grammar and rules: teikit's own edition grammar and rules, to tighten.
STARTERS = {RELAXNG_SCHEMA: "schemas/edition.rng", SCHEMATRON_RULES: "schemas/edition.sch"}


def title_of(folder: Path) -> str:
    """The edition's name from its folder: ``my-edition`` -> ``My edition``."""
    words = folder.resolve().name.replace("-", " ").replace("_", " ").split()
    return " ".join(words).capitalize() if words else "New edition"


def install_source() -> str:
    """What the CI workflow installs: where this teikit came from (a git URL, PEP 610), else its version."""
    import json
    from importlib import metadata

    from toolkit import __version__

    try:
        direct = json.loads(metadata.distribution("teikit").read_text("direct_url.json") or "null")
    except (metadata.PackageNotFoundError, ValueError):
        direct = None
    if direct and "vcs_info" in direct and direct.get("url", "").startswith(("https://", "ssh://", "git@")):
        vcs = direct["vcs_info"]
        return f"teikit @ {vcs.get('vcs', 'git')}+{direct['url']}@{vcs.get('commit_id', '')}".rstrip("@")
    return f"teikit=={__version__}"


def create(folder: Path, title: str | None = None, today: _dt.date | None = None) -> list[Path]:
    """Write a new edition into ``folder`` (new or empty); the files written, relative to it."""
    folder = Path(folder)
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise UsageError("the folder exists and is not empty: nothing was written", path=str(folder),
                         hint="name a new folder, e.g. teikit new my-edition")
    title = title or title_of(folder)
    today = today or _dt.date.today()
    values = {"{title}": title, "{name}": folder.resolve().name, "{today}": today.isoformat(),
              "{year}": str(today.year), "{install}": install_source()}
    parent = folder.resolve().parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=parent))
    except OSError as exc:
        raise UsageError(f"the edition cannot be written: {exc.strerror or exc}", path=str(parent)) from None
    written = []
    try:
        for source, target in FILES.items():
            text = (TEMPLATE / source).read_text(encoding="utf-8")
            for key, value in values.items():
                text = text.replace(key, _quoted(value, target))
            _write(staging / target, text)
            written.append(Path(target))
        for source, target in STARTERS.items():
            (staging / target).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, staging / target)
            written.append(Path(target))
        if folder.exists():
            folder.rmdir()  # empty: checked above
        os.replace(staging, folder)
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise UsageError(f"the edition cannot be written: {exc.strerror or exc}", path=str(folder)) from None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return written


def _quoted(value: str, target: str) -> str:
    """A value as the file it goes into needs it: XML-escaped in XML, a basic TOML/YAML string elsewhere."""
    if target.endswith(".xml"):
        return escape(value, {'"': "&quot;"})
    return value.replace("\\", "\\\\").replace('"', '\\"')


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
