"""Kinds of document: what a file is, and everything that follows from that, one folder each.

Three kinds of document reach the toolkit, and each is checked and published
by its own conventions:

* ``edition``: the project's own edition (the telegram and its authority
  file), held to the project's grammar and editorial rules;
* ``frus``: a volume of *Foreign Relations of the United States* as the Office
  of the Historian encodes it (one file per volume, documents as
  ``div[@type='document']``);
* ``tei``: any other TEI P5 document, or a ``teiCorpus`` of them.

A kind is a folder, ``toolkit/kinds/NAME/``: its ``__init__.py`` defines
``KIND``, a :class:`Kind` (how a document of the kind is recognised, its
grammar and rules, its whole-file checks, its publishing stylesheet modules,
what lint and diff ask of it), and the folder holds the files that belong to
that kind alone (``frus/frus.sch``, ``frus/frus.xsl``). Every kind is in one
list, :data:`BUILT_IN`; :func:`detect` tries the kinds in turn and takes the
first whose recogniser says yes (``tei`` says yes to anything, last). The
kind's name is the document's *profile* in reports (``DocumentResult.profile``)
and the stylesheet parameter ``t:profile``.

A project adds its own kinds from a folder outside the package, laid out the
same way: ``kinds.load_folder("path/to/letters")`` imports
``path/to/letters/__init__.py`` and registers its ``KIND``, tried before the
built-in kinds. ``tests/test_kinds.py`` adds a kind so, from a temporary
folder, and validates and builds a document with it, editing nothing else.

Stylesheets. A kind's publishing modules (:attr:`Kind.stylesheets`) are
XSLT modules that add templates in mode ``t:publish`` guarded by the kind's
name (``match="document-node()[$t:profile = 'frus']"``); they include
nothing. The build composes its one entry stylesheet at run time
(:func:`toolkit.transform.entry_stylesheet`): it includes ``xslt/edition.xsl``
(the shared modules), every output format's modules and every kind's
modules, each by its absolute URI. So a kind's module reaches the shared
modules (``t:collection-files``, ``t:title`` ...) without any relative path
between ``toolkit/kinds/`` and ``xslt/``: that works in the repository, from
an installed wheel, and for a kind in a project's own folder alike.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from toolkit.errors import Problem, UsageError
from toolkit.xmlio import Document

#: The kinds of the toolkit, each the folder toolkit/kinds/NAME/, in the order detection tries them.
BUILT_IN: tuple[str, ...] = ("frus", "edition", "tei")


@dataclass(frozen=True)
class Kind:
    """What one kind of document is checked against and how it is published."""

    #: Short name: the profile in reports, and the stylesheet parameter ``t:profile``.
    name: str
    #: One line for people: what kind of document this is.
    description: str
    #: Whether a parsed document (its root element) is of this kind: from its root, header or
    #: schema declaration, never its file name.
    recognise: Callable[[etree._Element], bool]
    #: RELAX NG grammar the document must match (None: no grammar step).
    grammar: Path | None = None
    #: Schematron rules (None: no rules step).
    rules: Path | None = None
    #: The grammar is TEI's tei_all, compiled per vocabulary (toolkit.relaxng.TeiGrammar).
    tei_all: bool = False
    #: What the kind adds to the grammar (e.g. the FRUS namespace), in place.
    extend_grammar: Callable[[etree._Element], None] | None = None
    #: Checks over the whole file, in the worker (the FRUS volume's ids, numbering, pointers).
    file_checks: Callable[[Document], list[Problem]] | None = None
    #: Pointers are resolved by toolkit/references.py, within and across files.
    cross_file_references: bool = True
    #: Whether a pointer's file part names another publication of the kind rather than a file
    #: (FRUS: another volume, "frus1961-63v05#d183"); toolkit/pointers.py tells the stylesheets so.
    publication_name: Callable[[str], bool] | None = None
    #: Its ids are unique across the edition (documents of the kind point into each other and into
    #: shared files by id); otherwise ids are per document: two unrelated files may both use "p1".
    shared_ids: bool = False
    #: XSLT modules the build's entry stylesheet includes: templates in mode t:publish for this kind.
    stylesheets: tuple[Path, ...] = ()
    #: The rules of ``teikit lint`` that apply to it (None: all of them).
    lint_rules: frozenset[str] | None = None
    #: ``teikit diff``: a change of its text or markup needs a new ``revisionDesc/change`` entry.
    revision_entries: bool = True
    #: A file of many documents published one by one: given the errors that keep something
    #: back, the documents they keep back ({id: reason}), or None for the whole file. Without
    #: it, a file with an error is not published at all (docs/validation.md).
    withhold: Callable[[etree._Element, list[Problem]], dict[str, str] | None] | None = None
    #: Rules whose errors are reported but keep nothing back from publication.
    publishable_rules: frozenset[str] = frozenset()
    #: A file of many publications transformed part by part, so that the transformation's memory
    #: follows a part and not the file (a FRUS volume): given the parsed file, each part's
    #: (first, last) positions among the publications the kind's stylesheet counts (from 1, the
    #: stylesheet parameter ``t:part``, xslt/collection.xsl). None: one transformation for the file.
    parts: Callable[[etree._Element], list[tuple[int, int]]] | None = None
    #: For a kind with ``parts``, what each publication's outputs depend on, so that an incremental
    #: build makes again only those of a changed file whose inputs changed (docs/outputs.md): given
    #: the parsed file, the build's site as the stylesheet gets it (``t:site``, parsed), the resolved
    #: pointers (``t:pointers``) and the file's name without its folder and ``.xml``, one (id, bytes)
    #: per candidate in ``parts``' order: the bytes are everything its outputs read of the file and
    #: the site (None: kept back, it has none); or None when the file cannot be told apart so (ids
    #: missing or repeated): all of it is made again.
    units: Callable[[etree._Element, dict, dict, str], list[tuple[str, bytes | None]] | None] | None = None


_kinds: list[Kind] = []
#: Folders kinds were loaded from (the build's worker processes load them again).
_folders: list[Path] = []


def register(kind: Kind, *, first: bool = True) -> Kind:
    """Add a kind (replacing one of the same name): tried before the others when ``first``."""
    if not kind.name or not kind.name.replace("-", "").isalnum():
        raise ValueError(f'a kind\'s name is letters, digits and "-", not "{kind.name}"')
    _kinds[:] = [other for other in _kinds if other.name != kind.name]
    _kinds.insert(0, kind) if first else _kinds.append(kind)
    return kind


def unregister(name: str) -> None:
    """Remove a kind (a test's own, when the test is done)."""
    _kinds[:] = [kind for kind in _kinds if kind.name != name]
    _folders[:] = [folder for folder in _folders if folder.name != name]


def load_folder(folder: str | Path) -> Kind:
    """Load the kind defined in ``folder/__init__.py`` (its ``KIND``) and register it, tried before the
    built-in kinds; the folder's own files (grammar, rules, stylesheets) are named from there, e.g.
    ``Path(__file__).parent / "letters.sch"``. Loading the same folder again reloads it."""
    folder = Path(folder).resolve()
    init = folder / "__init__.py"
    if not init.is_file():
        raise UsageError("a kind's folder holds an __init__.py that defines KIND", path=str(folder),
                         hint="see toolkit/kinds/tei/__init__.py for the smallest kind")
    module_name = f"teikit_kind_{abs(hash(str(folder)))}"
    spec = importlib.util.spec_from_file_location(module_name, init, submodule_search_locations=[str(folder)])
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    try:
        spec.loader.exec_module(module)
    except Exception as exc:
        sys.modules.pop(module_name, None)
        raise UsageError(f"the kind could not be loaded: {type(exc).__name__}: {exc}", path=str(init)) from None
    kind = getattr(module, "KIND", None)
    if not isinstance(kind, Kind):
        raise UsageError("the folder's __init__.py defines no KIND (a toolkit.kinds.Kind)", path=str(init))
    if folder not in _folders:
        _folders.append(folder)
    return register(kind)


def load_folders(folders: tuple[Path, ...]) -> None:
    """Load each folder's kind that is not loaded yet (a worker process, given its parent's folders)."""
    for folder in folders:
        if folder not in _folders:
            load_folder(folder)


def loaded_folders() -> tuple[Path, ...]:
    """The folders kinds were loaded from, in the order they were loaded."""
    return tuple(_folders)


def all_kinds() -> tuple[Kind, ...]:
    """Every kind, in the order :func:`detect` tries them."""
    return tuple(_kinds)


def get(name: str) -> Kind | None:
    return next((kind for kind in _kinds if kind.name == name), None)


def detect(root: etree._Element) -> Kind:
    """The kind of a parsed document: the first kind whose recogniser says yes."""
    for kind in _kinds:
        if kind.recognise(root):
            return kind
    raise LookupError("no kind recognises the document (the tei kind recognises every document)")


def stylesheets() -> list[Path]:
    """Every kind's publishing modules, each once."""
    modules: list[Path] = []
    for kind in _kinds:
        modules += [module for module in kind.stylesheets if module not in modules]
    return modules


for _name in BUILT_IN:
    register(importlib.import_module(f"{__name__}.{_name}").KIND, first=False)
