"""The project file: what an edition declares about itself, in ``[tool.teikit]`` or ``teikit.toml``.

An edition says once where its documents are and what they are, and every
command reads it, wherever in the edition it is run::

    [tool.teikit]                      # in pyproject.toml; teikit.toml has the same keys at its top
    title = "Telegram 2477"            # the site's name (index page, the link back on every page)
    base-url = "https://example.org/edition/"   # where the site is published (links, citations)
    output = "build"                   # `teikit build` writes here (OUT/html, OUT/text, OUT/cite)
    grammar = "schemas/telegram.rng"   # the edition profile's RELAX NG grammar ...
    rules = "schemas/telegram.sch"     # ... and Schematron rules (default: teikit's own)
    kinds = ["kinds/letter"]           # the project's own kinds of document (toolkit.kinds.load_folder)

    [tool.teikit.documents]            # glob (from the project's folder) = profile, first match wins
    "tei/*.xml" = "edition"
    "volumes/*.xml" = "frus"
    "other/**/*.xml" = "auto"          # decided by content, as outside a project

The file is found by walking up from the working directory, as pyproject
tools do: in each folder a ``teikit.toml``, else a ``pyproject.toml`` that has a
``[tool.teikit]`` table. Outside any project, documents must be named and each
one's profile is decided by its content (:func:`toolkit.kinds.detect`).
"""

from __future__ import annotations

import contextlib
import fnmatch
import functools
import re
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from lxml import etree

from toolkit.errors import UsageError
from toolkit.paths import relative_to, resolved_path

if TYPE_CHECKING:
    from toolkit.kinds import Kind

#: The profile value that leaves the choice to the document's content.
AUTO = "auto"
_KEYS = {"title", "base-url", "output", "grammar", "rules", "documents", "kinds"}
_WILDCARDS = re.compile(r"[*?\[]")


@dataclass(frozen=True)
class Project:
    """An edition's declarations, with every path made absolute (relative to :attr:`root`)."""

    #: The folder holding the project file; globs and paths are relative to it.
    root: Path
    #: The project file itself (pyproject.toml or teikit.toml).
    file: Path
    #: (glob, profile name or "auto"), in the file's order: the first matching glob decides.
    documents: tuple[tuple[str, str], ...] = ()
    grammar: Path | None = None
    rules: Path | None = None
    title: str | None = None
    base_url: str | None = None
    output: Path | None = None
    #: Folders of the project's own kinds of document (toolkit/kinds/ layout), loaded with the project.
    kinds: tuple[Path, ...] = field(default_factory=tuple)

    def profile_for(self, path: Path) -> str | None:
        """The profile the project gives the document at ``path`` (None: none of its globs, or "auto")."""
        relative = _relative(path, self.root)
        if relative is None:
            return None
        for pattern, profile in self.documents:
            if glob_match(pattern, relative):
                return None if profile == AUTO else profile
        return None

    def document_files(self) -> list[tuple[Path, Path]]:
        """Every file the globs match, each with the folder its glob starts from (its pointers' root)."""
        found: dict[Path, Path] = {}
        for pattern, _profile in self.documents:
            base = self.root / _fixed_prefix(pattern)
            for path in sorted(self.root.glob(pattern)):
                found.setdefault(path, base)
        return sorted(found.items())


def _relative(path: Path, root: Path) -> str | None:
    try:
        # Each folder resolved once per process, and compared as strings: validation asks this of
        # every document (what Path.resolve() and Path.relative_to() give, at a tenth of the cost).
        return relative_to(str(resolved_path(Path(path))), str(resolved_path(root)))
    except (ValueError, OSError, RuntimeError):
        return None


def _fixed_prefix(pattern: str) -> str:
    """The folders of a glob before its first wildcard: ``tei`` for ``tei/*.xml``."""
    parts = pattern.split("/")[:-1]
    fixed = []
    for part in parts:
        if _WILDCARDS.search(part):
            break
        fixed.append(part)
    return "/".join(fixed)


def glob_match(pattern: str, relative: str) -> bool:
    """Whether a relative POSIX path matches a glob as :meth:`pathlib.Path.glob` would list it:
    ``*``, ``?`` and ``[...]`` within one name, ``**`` for any number of folders."""
    return _match(tuple(pattern.split("/")), tuple(relative.split("/")))


@functools.cache
def _match(pattern: tuple[str, ...], parts: tuple[str, ...]) -> bool:
    if not pattern:
        return not parts
    if pattern[0] == "**":
        return any(_match(pattern[1:], parts[index:]) for index in range(len(parts) + 1))
    return bool(parts) and fnmatch.fnmatchcase(parts[0], pattern[0]) and _match(pattern[1:], parts[1:])


def find(start: Path | None = None) -> Project | None:
    """The project of the folder ``start`` (default: the working directory) or of the nearest folder above."""
    folder = (start or Path.cwd()).resolve()
    for candidate in (folder, *folder.parents):
        own = candidate / "teikit.toml"
        if own.is_file():
            return load(own)
        pyproject = candidate / "pyproject.toml"
        if pyproject.is_file():
            table = _read(pyproject).get("tool", {}).get("teikit")
            if table is not None:
                return _project(pyproject, table)
    return None


_found: dict[tuple, Project | None] = {}
#: The project :func:`current` answers without looking, while :func:`fixed` (or :func:`pin`) holds it.
_pinned: list[Project | None] = []


def current() -> Project | None:
    """The project of the working directory, read again only when a project file on the way up changed
    (the tests run the command in one process, in many folders). Its kinds are loaded (:mod:`toolkit.kinds`)."""
    if _pinned:
        return _pinned[-1]
    folder = Path.cwd()
    stamp = [str(folder)]
    for candidate in (folder, *folder.parents):
        for name in ("teikit.toml", "pyproject.toml"):
            try:
                info = (candidate / name).stat()
            except OSError:
                continue
            stamp.append(f"{candidate / name}:{info.st_mtime_ns}:{info.st_size}")
    key = tuple(stamp)
    if key not in _found:
        if len(_found) > 32:
            _found.clear()
        _found[key] = find(folder)
    return _found[key]


@contextlib.contextmanager
def fixed() -> Iterator[Project | None]:
    """Within, :func:`current` answers from one look: a command's run over many documents (the working
    directory and the project file do not change under it; looking costs two stat calls a folder up)."""
    depth = len(_pinned)
    _pinned.append(current())
    try:
        yield _pinned[-1]
    finally:
        del _pinned[depth:]  # pins made within (a worker's initializer run in this process) end here too


def pin(found: Project | None) -> None:
    """:func:`current` answers ``found`` from now on: a worker process, which lives for one command's run
    in the parent's working directory, takes the project the parent found."""
    _pinned.append(found)


#: The edition kind with a project's grammar and rules, made once per (kind, project); keyed by
#: identity (hashing the two dataclasses field by field costs more than making the kind again).
_with_project: dict[tuple[int, int], tuple[Kind, Project, Kind]] = {}


def kind_named(name: str, found: Project | None = None) -> Kind:
    """The kind of this name, with the project's grammar and rules for the edition (a usage error if unknown)."""
    from toolkit import kinds

    kind = kinds.get(name)
    if kind is None:
        raise UsageError(f'unknown profile "{name}"', hint=f"choose from {', '.join(kind_names())}")
    if kind.name == "edition" and found is not None and (found.grammar or found.rules):
        made = _with_project.get((id(kind), id(found)))
        if made is None or made[0] is not kind or made[1] is not found:
            if len(_with_project) > 32:
                _with_project.clear()
            made = _with_project[(id(kind), id(found))] = (kind, found, replace(
                kind, grammar=found.grammar or kind.grammar, rules=found.rules or kind.rules))
        kind = made[2]
    return kind


def kind_for(path: Path, root: etree._Element, override: str | None = None) -> Kind:
    """The kind (profile) a document is held to: ``override`` (``--profile``), else the one the project's
    first matching glob gives it, else what its content says (:func:`toolkit.kinds.detect`)."""
    from toolkit import kinds

    found = current()
    name = override or (found.profile_for(path) if found is not None else None)
    return kind_named(name or kinds.detect(root).name, found)


def kind_names() -> list[str]:
    from toolkit import kinds

    return [kind.name for kind in kinds.all_kinds()]


def check_profile(name: str | None) -> None:
    """A usage error unless ``name`` is None or names a kind."""
    if name is not None and name not in kind_names():
        raise UsageError(f'unknown profile "{name}"', hint=f"choose from {', '.join(kind_names())}")


def fingerprint() -> str:
    """What of the project shapes verdicts and outputs (the build's cache key): its file, its grammar and rules."""
    import hashlib

    found = current()
    digest = hashlib.sha256()
    if found is not None:
        for path in (found.file, found.grammar, found.rules):
            if path is not None:
                digest.update(str(path).encode() + b"\0")
                try:
                    digest.update(hashlib.sha256(path.read_bytes()).digest())
                except OSError:
                    digest.update(b"-")
    return digest.hexdigest()


def load(path: Path) -> Project:
    """The project a ``teikit.toml`` (its keys at the top) or ``pyproject.toml`` (``[tool.teikit]``) declares."""
    data = _read(path)
    if path.name == "pyproject.toml":
        data = data.get("tool", {}).get("teikit", {})
    return _project(path, data)


def _read(path: Path) -> dict:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise UsageError(f"the project file cannot be read: {exc.strerror or exc}", path=str(path)) from None
    except UnicodeDecodeError:
        raise UsageError("the project file is not UTF-8 text", path=str(path)) from None
    except tomllib.TOMLDecodeError as exc:
        # tomllib says "... (at line 3, column 7)": report it where it is, FILE:LINE:COL.
        where = re.search(r"\(at line (\d+), column (\d+)\)$", str(exc))
        message = re.sub(r"\s*\(at line \d+, column \d+\)$", "", str(exc))
        located = f"{path}:{where[1]}:{where[2]}" if where else str(path)
        raise UsageError(f"the project file is not valid TOML: {message}", path=located,
                         hint="see docs/project.md for the keys and their form") from None


def _project(path: Path, table: object) -> Project:
    from toolkit import kinds

    shown = str(path)
    if not isinstance(table, dict):
        raise UsageError("[tool.teikit] must be a table", path=shown, hint="see docs/project.md")
    unknown = sorted(set(table) - _KEYS)
    if unknown:
        raise UsageError(f'unknown key "{unknown[0]}" in the project file', path=shown,
                         hint=f"the keys are {', '.join(sorted(_KEYS))} (docs/project.md)")
    documents = table.get("documents", {})
    if not isinstance(documents, dict) or not all(isinstance(v, str) for v in documents.values()):
        raise UsageError('"documents" must be a table of glob = "profile"', path=shown,
                         hint='e.g. [tool.teikit.documents] "tei/*.xml" = "edition"')
    kinds_listed = table.get("kinds", [])
    if not isinstance(kinds_listed, list) or not all(isinstance(item, str) for item in kinds_listed):
        raise UsageError('"kinds" must be a list of folders', path=shown, hint='e.g. kinds = ["kinds/letter"]')
    root = path.parent.resolve()
    loaded = kinds.loaded_folders()
    for folder in (root / item for item in kinds_listed):
        if folder.resolve() not in loaded:
            kinds.load_folder(folder)  # the project's own kinds, tried before the built-in ones
    known = kind_names() + [AUTO]
    for pattern, profile in documents.items():
        if profile not in known:
            raise UsageError(f'the documents "{pattern}" are given the unknown profile "{profile}"', path=shown,
                             hint=f"choose from {', '.join(known)}")
        if not pattern or pattern.startswith("/") or ".." in pattern.split("/"):
            raise UsageError(f'the glob "{pattern}" must be relative to the project\'s folder, without ".."',
                             path=shown, hint='e.g. "tei/*.xml"')
    return Project(
        root=root, file=path.resolve(), documents=tuple(documents.items()),
        grammar=_file(table, "grammar", root, shown), rules=_file(table, "rules", root, shown),
        title=_text(table, "title", shown), base_url=_text(table, "base-url", shown),
        output=root / _text(table, "output", shown) if "output" in table else None,
        kinds=tuple(root / item for item in kinds_listed))


def _text(table: dict, key: str, shown: str) -> str | None:
    value = table.get(key)
    if value is not None and (not isinstance(value, str) or not value.strip()):
        raise UsageError(f'"{key}" must be a non-empty string', path=shown, hint="see docs/project.md")
    return value


def _file(table: dict, key: str, root: Path, shown: str) -> Path | None:
    value = _text(table, key, shown)
    if value is None:
        return None
    path = root / value
    if not path.is_file():
        raise UsageError(f'the {key} "{value}" is not a file', path=shown,
                         hint=f"give the path of the edition's {key} file, relative to {root}")
    return path
