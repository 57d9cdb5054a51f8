"""The output formats: one entry each, in one registry.

An output format is everything the build needs to know to make it, in one
:class:`Format`:

* ``name``: the folder it is written to (``OUT/NAME/``) and the value of
  ``--format``;
* ``modules``: the XSLT modules that make it, and ``function``, the one
  function of theirs that returns its files: ``t:NAME-files($root as
  document-node()) as element()*`` in the namespace ``urn:telegram2477:xslt``,
  each file a ``t:file`` element (``t:file('NAME', $name, $text)`` in
  ``xslt/common.xsl`` makes one);
* whether its files are text or bytes: a stylesheet writes bytes as base64
  (``t:file('NAME', $name, $base64, 'base64')``), and ``assemble``, a Python
  function, may turn the files the stylesheet made into the finished ones (an
  EPUB is a zip of the XHTML the stylesheet writes: zipping is done here).

The build composes its one entry stylesheet from this registry and the kinds
(:func:`toolkit.transform.entry_stylesheet`), so a new output is its module and
one :func:`register` call (for a format of the toolkit, one entry in
:data:`BUILT_IN`): the build makes it into ``OUT/NAME/`` and ``--format NAME``
selects it. ``tests/test_formats.py`` adds a bytes format that way.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from toolkit.paths import XSLT_DIR


@dataclass(frozen=True)
class OutputFile:
    """One finished output file: its format (folder), its name in that folder, and its text or bytes (or,
    for a page Saxon wrote to a file itself, that file: toolkit/transform.py, ``spool``)."""

    format: str
    name: str
    content: str | bytes | Path


@dataclass(frozen=True)
class Format:
    """One output format (see the module docstring)."""

    #: The folder under the output folder, and the value of ``--format``.
    name: str
    #: One line for people: what the format is.
    description: str
    #: The XSLT modules that make it (shared modules, such as xslt/common.xsl, are always included).
    modules: tuple[Path, ...]
    #: Local name of the module's function (namespace ``t:``) returning the files of a document.
    function: str
    #: Files are bytes: the stylesheet writes them base64, and they are written as they are.
    binary: bool = False
    #: Turns the files the stylesheet made for one document into the finished files (e.g. a zip);
    #: a module-level function, so that it reaches the build's worker processes.
    assemble: Callable[[list[OutputFile]], list[OutputFile]] | None = None


BUILT_IN: tuple[Format, ...] = (
    Format("html", "the reading edition: a web page per document, and the index page",
           (XSLT_DIR / "html-text.xsl", XSLT_DIR / "html-page.xsl", XSLT_DIR / "library.xsl", XSLT_DIR / "search.xsl"),
           "html-files"),
    Format("text", "the diplomatic and the reading text, plain", (XSLT_DIR / "text-files.xsl",), "text-files"),
    Format("cite", "citations: Chicago, MLA, APA, BibTeX, RIS, CSL-JSON", (XSLT_DIR / "cite-files.xsl",),
           "cite-files"),
)

_registry: dict[str, Format] = {output.name: output for output in BUILT_IN}


def register(output: Format) -> Format:
    """Add an output format (after those registered); a format of the same name is replaced."""
    if not output.name or not output.name.replace("-", "").isalnum() or output.name != output.name.lower():
        raise ValueError(f'a format name is lower-case letters, digits and "-", not "{output.name}"')
    _registry[output.name] = output
    return output


def unregister(name: str) -> None:
    """Remove a format (a test's own, when the test is done)."""
    _registry.pop(name, None)


def names() -> tuple[str, ...]:
    """Every registered format's name, in build order."""
    return tuple(_registry)


def get(name: str) -> Format | None:
    return _registry.get(name)


def all_formats() -> tuple[Format, ...]:
    return tuple(_registry.values())
