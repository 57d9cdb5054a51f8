"""The build's cache: what each input's last build made, so that an unchanged input is not built again.

One record per input, ``OUT/.teikit-cache/NAME.json`` (NAME: a hash of the
input's real path), written only by the toolkit and atomically (staged, then
renamed into place with the build's outputs). A record holds:

* ``key``: the SHA-256 of the input's bytes, of the toolkit (its Python code,
  stylesheets, schemas, tei_all, the versions of lxml and Saxon) and of the
  build's options (formats, edition URL, access date, root, size limit,
  strictness, and the site the inputs make together, :mod:`toolkit.site`:
  which volumes and documents get a page, so that links between them stay
  local), never a timestamp;
* ``linked``: the files its pointers opened (the authority file), each with
  its SHA-256: a changed authority file rebuilds the documents that use it;
* what the build learned of the input: its profile, its own problems
  (warnings), its :class:`~toolkit.references.Facts` (ids and the pointers
  left for the references step, which runs on every build over every
  document, cached or not: a new duplicate id elsewhere is still found),
  whether it was validated, why it was skipped;
* what it made: its output files (each must still exist) and its index card;
* ``data``: a dict of what site-wide pages need of it (register entries,
  chronology entries, search records ...), filled in the worker by the
  functions of :data:`COLLECTORS`; a site-wide page is remade from every
  input's ``data``, built now or kept, without transforming the kept ones;
* ``units``: of a file of many documents (a FRUS volume), each document's own
  key (what its outputs read of the file and the site), files and library
  records: when the file changed, a document whose key did not is not
  transformed again, its files are kept (toolkit/build.py, ``_unit_plan``).

An input is *kept* when its record's key is this build's key for it, its
linked files hash the same, every file it made is still there, and it was
validated if this build validates. Anything else builds it again.
"""

from __future__ import annotations

import datetime as _dt
import functools
import hashlib
import json
import os
import platform
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from toolkit.errors import Problem

CACHE_DIR = ".teikit-cache"
#: Bumped when the record's layout changes: older records are then ignored.
RECORD_VERSION = 1

#: What site-wide pages need of each input: name -> function(document, card) returning JSON-able data,
#: run in the worker right after the input is transformed (module-level functions, registered at import,
#: so that spawned workers have them). The result is kept in the input's record as ``data[name]``.
COLLECTORS: dict[str, Callable[[Any, str | None], Any]] = {}


def collector(name: str) -> Callable[[Callable[[Any, str | None], Any]], Callable[[Any, str | None], Any]]:
    """Register a function as :data:`COLLECTORS` ``[name]`` (a decorator)."""

    def register(function: Callable[[Any, str | None], Any]) -> Callable[[Any, str | None], Any]:
        COLLECTORS[name] = function
        return function

    return register


def file_digest(path: Path) -> str | None:
    """SHA-256 of a file's bytes (None when it cannot be read)."""
    try:
        with open(path, "rb") as stream:
            return hashlib.file_digest(stream, "sha256").hexdigest()
    except OSError:
        return None


@functools.cache
def toolkit_fingerprint() -> str:
    """One hash of everything in the toolkit that shapes an output or a verdict (computed once per process)."""
    import lxml.etree

    from toolkit import __version__

    versions = (__version__, platform.python_version(), lxml.etree.__version__, _saxon_version(), str(RECORD_VERSION))
    from toolkit.paths import TEI_ALL

    return fingerprint_of(_toolkit_folders(), [TEI_ALL], versions)


#: The files whose content shapes outputs and verdicts: code, stylesheets, page assets, schemas.
_FINGERPRINTED = (".py", ".xsl", ".css", ".js", ".rng", ".sch", ".rnc")


def _toolkit_folders() -> list[Path]:
    from toolkit.paths import SCHEMA_DIR, XSLT_DIR

    return sorted({Path(__file__).resolve().parent, XSLT_DIR.resolve(), SCHEMA_DIR.resolve()})


def fingerprinted_files(folders: list[Path] | None = None) -> list[Path]:
    """Every file :func:`toolkit_fingerprint` reads, in a stable order."""
    return sorted({path.resolve() for folder in (folders if folders is not None else _toolkit_folders())
                   if folder.is_dir() for path in folder.rglob("*")
                   if path.is_file() and path.suffix in _FINGERPRINTED and "__pycache__" not in path.parts})


def key_bytes(text: str) -> bytes:
    """A key's text as bytes: file names are bytes the toolkit carries (a name that is not UTF-8 reaches
    Python as lone surrogates), so they go back to their own bytes instead of failing to encode."""
    return text.encode("utf-8", "surrogateescape")


def fingerprint_of(folders: list[Path], files: list[Path], versions: tuple[str, ...] = ()) -> str:
    """SHA-256 over the versions given and the name and content of each file (those of ``folders``, then ``files``)."""
    digest = hashlib.sha256()
    for part in versions:
        digest.update(key_bytes(part) + b"\0")
    for path in fingerprinted_files(folders) + list(files):
        digest.update(key_bytes(path.name) + b"\0" + (file_digest(path) or "-").encode() + b"\0")
    return digest.hexdigest()


def _saxon_version() -> str:
    try:
        from importlib.metadata import version

        return version("saxonche")
    except Exception:  # not installed as a distribution: the code hash still covers the toolkit
        return "?"


def options_fingerprint(formats: tuple[str, ...], edition_url: str, access_date: _dt.date | None,
                        root: Path | None, max_size: int, extra: tuple[str, ...] = ()) -> str:
    """The build's options that change outputs; with no access date, citations say today: so does the key."""
    date = (access_date or _dt.date.today()).isoformat()
    text = "\0".join((",".join(formats), edition_url, date, str(root or ""), str(max_size), *extra))
    return hashlib.sha256(key_bytes(text)).hexdigest()


def input_key(content_digest: str, toolkit: str, options: str) -> str:
    return hashlib.sha256(key_bytes(f"{content_digest}\0{toolkit}\0{options}")).hexdigest()


@dataclass
class Record:
    """What the cache keeps of one input (see the module docstring)."""

    source: str
    key: str
    validated: bool
    profile: str | None = None
    linked: dict[str, str] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    facts: Any = None  # toolkit.references.Facts
    files: list[str] = field(default_factory=list)
    card: str | None = None
    skipped: str | None = None
    data: dict[str, Any] = field(default_factory=dict)
    #: A volume published document by document despite errors, and the documents it kept back (id -> why).
    published_in_part: bool = False
    withheld: dict[str, str] = field(default_factory=dict)
    #: Of a file of many documents (a FRUS volume), each document's key, files and library records:
    #: id -> {"key", "files", "records"} (toolkit/build.py, ``_unit_plan``).
    units: dict[str, dict] = field(default_factory=dict)

    def as_json(self) -> str:
        # ensure_ascii: a source path that is not UTF-8 (a lone surrogate) is escaped, never a UnicodeEncodeError.
        return json.dumps({"version": RECORD_VERSION, "source": self.source, "key": self.key,
                           "validated": self.validated, "profile": self.profile, "linked": self.linked,
                           "problems": [problem.as_dict() for problem in self.problems],
                           "facts": _facts_to_json(self.facts), "files": self.files, "card": self.card,
                           "skipped": self.skipped, "data": self.data, "published_in_part": self.published_in_part,
                           "withheld": self.withheld, "units": self.units}, ensure_ascii=True, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str) -> Record | None:
        try:
            data = json.loads(text)
            if data.get("version") != RECORD_VERSION:
                return None
            return cls(source=str(data["source"]), key=str(data["key"]), validated=bool(data["validated"]),
                       profile=data.get("profile"), linked=dict(data.get("linked") or {}),
                       problems=[Problem(**problem) for problem in data.get("problems") or []],
                       facts=_facts_from_json(data.get("facts")), files=list(map(str, data.get("files") or [])),
                       card=data.get("card"), skipped=data.get("skipped"), data=dict(data.get("data") or {}),
                       published_in_part=bool(data.get("published_in_part")),
                       withheld=dict(data.get("withheld") or {}), units=_units(data.get("units")))
        except (ValueError, TypeError, KeyError, AttributeError):
            return None


def _relative_name(name: object) -> bool:
    from toolkit.output import _relative_name as relative_name

    return relative_name(name)


def _units(data: object) -> dict[str, dict]:
    """A record's ``units``, each checked for the form :func:`toolkit.build._unit_plan` reads (else left out:
    that document is made again)."""
    if not isinstance(data, dict):
        return {}
    return {identifier: unit for identifier, unit in data.items()
            if isinstance(unit, dict) and isinstance(unit.get("key"), str)
            and isinstance(unit.get("files"), list) and all(map(_relative_name, unit["files"]))
            and isinstance(unit.get("records"), list) and all(isinstance(text, str) for text in unit["records"])}


def _facts_to_json(facts) -> dict | None:
    if facts is None:
        return None
    return {"path": str(facts.path), "ids": {name: list(target) for name, target in facts.ids.items()},
            "duplicates": [[name, list(target)] for name, target in facts.duplicates],
            "pointers": [[p.attribute, p.value, p.owner, p.line, p.column] for p in facts.pointers],
            "linked": list(facts.linked)}


def _facts_from_json(data: dict | None):
    if data is None:
        return None
    from toolkit.references import Facts, Pointer, Target

    return Facts(Path(data["path"]), {name: Target(*target) for name, target in data["ids"].items()},
                 [(name, Target(*target)) for name, target in data["duplicates"]],
                 [Pointer(*pointer) for pointer in data["pointers"]], tuple(data["linked"]))


def record_name(source: str) -> str:
    """The record's file name for an input (its real path): a hash, so any path gives a plain, short name."""
    return hashlib.sha256(key_bytes(source)).hexdigest()[:32] + ".json"


class Cache:
    """The records of one output folder: read on demand, written through the build's staging folder."""

    def __init__(self, out_dir: Path):
        self.folder = out_dir / CACHE_DIR
        self._digests: dict[Path, str | None] = {}

    def read(self, source: str) -> Record | None:
        """The record of an input (its real path), or None."""
        record = self.read_file(record_name(source))
        return record if record is not None and record.source == source else None

    def read_file(self, name: str) -> Record | None:
        try:
            return Record.from_json((self.folder / name).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError):
            return None

    def digest(self, path: Path) -> str | None:
        """SHA-256 of a file, once per build (the authority file is linked from every document)."""
        if path not in self._digests:
            self._digests[path] = file_digest(path)
        return self._digests[path]

    def linked_digests(self, paths) -> dict[str, str]:
        return {str(path): self.digest(Path(path)) or "-" for path in sorted(set(map(str, paths)))}

    def still_valid(self, record: Record, key: str, out_dir: Path, validating: bool) -> bool:
        """Whether the record's outputs can be kept: same key, same linked files, outputs present."""
        return (record.key == key and (record.validated or not validating)
                and all(self.digest(Path(path)) == digest for path, digest in record.linked.items())
                and all(os.path.isfile(out_dir / relative) for relative in record.files))

    def names(self) -> list[str]:
        try:
            return sorted(entry.name for entry in os.scandir(self.folder) if entry.name.endswith(".json"))
        except OSError:
            return []
