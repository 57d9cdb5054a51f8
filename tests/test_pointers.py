"""One meaning of a pointer (toolkit/pointers.py): what validation accepts is what lint counts
and what the pages link, and the FRUS checks read pointers the same way."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from toolkit import build, lint, pointers, validate
from toolkit.kinds import frus
from toolkit.xmlio import parse_bytes, parse_document

EDITION = Path(__file__).parent / "fixtures" / "outputs" / "edition"

DOCUMENT = """<?xml version="1.0" encoding="UTF-8"?>
<TEI xmlns="http://www.tei-c.org/ns/1.0" xml:id="names">
  <teiHeader><fileDesc>
    <titleStmt><title>Names</title></titleStmt>
    <publicationStmt><publisher>Telegram 2477 project</publisher></publicationStmt>
    <sourceDesc><p>A test fixture.</p></sourceDesc>
  </fileDesc></teiHeader>
  <text><body><p><persName ref="POINTER">Zorin</persName> spoke.</p></body></text>
</TEI>
"""

# (pointer, does it name Zorin's record): every way of writing one, and ways that must not.
CASES = [
    ("authority.xml#zorin", True),
    ("  authority.xml#zorin  ", True),          # XML's whitespace around a token is no part of it
    ("authority.xml#zorin authority.xml#thant", True),  # a name follows its first pointer
    ("./authority.xml#zorin", True),
    ("authority.xml#%7Aorin", True),             # a URI: "%7A" is "z"
    ("authority%2Exml#zorin", True),
    ("authority.xml#nobody", False),
    ("authority.xml", False),
    ("../outside/authority.xml#zorin", False),   # out of the edition's folder: refused
    ("file:authority.xml#zorin", False),
    ("https://example.org/authority.xml#zorin", False),
    ("missing.xml#zorin", False),
]


@pytest.fixture(scope="module")
def edition(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("pointers")
    folder = root / "tei"
    folder.mkdir()
    shutil.copy(EDITION / "authority.xml", folder / "authority.xml")
    outside = root / "outside"
    outside.mkdir()
    shutil.copy(EDITION / "authority.xml", outside / "authority.xml")
    return folder


def _document(folder: Path, number: int, pointer: str) -> Path:
    path = folder / f"names{number}.xml"
    path.write_text(DOCUMENT.replace("POINTER", pointer).replace('"names"', f'"names{number}"'), encoding="utf-8")
    return path


@pytest.mark.parametrize(("number", "pointer", "names_zorin"), [(n, *case) for n, case in enumerate(CASES)],
                         ids=[case[0].strip() for case in CASES])
def test_validation_lint_and_the_page_agree(edition: Path, tmp_path: Path, number: int, pointer: str,
                                            names_zorin: bool) -> None:
    path = _document(edition, number, pointer)
    try:
        document = parse_document(path)
        # The module's own answer ...
        first = pointer.split()[0]
        target = pointers.target(first, path, edition)
        assert (target is not None and target[0].name == "authority.xml" and target[1] == "zorin") == names_zorin
        # ... is validation's (no reference problem) ...
        problems = [problem for problem in validate.validate_paths([path]).problems if problem.step == "references"]
        assert (not problems) == (names_zorin or pointers.is_external(first)), problems
        # ... lint's (Zorin's record counts as used only when it is pointed to) ...
        unused = [problem.message for problem in lint.lint_paths([edition / "authority.xml", path])
                  if problem.rule == "unused-authority" and "zorin" in problem.message]
        assert (not unused) == names_zorin
        # ... and the page's: the name links to the record exactly then.
        result = build.build([path], tmp_path / "out", ("html",), validate=False)
        page = (tmp_path / "out" / "html" / f"names{number}.html").read_text(encoding="utf-8")
        assert not result.problems
        assert ('href="#person-zorin"' in page) == names_zorin
        # The stylesheets were told so, and followed nothing else.
        told = pointers.for_stylesheets(document, edition).pointers.get(pointer)
        assert (told is not None and told[0] != "here" and told[2] == "zorin") == names_zorin
    finally:
        path.unlink()


@pytest.mark.parametrize(("token", "parts"), [
    ("#d67", ("", "", "d67")),
    ("authority.xml#zorin", ("", "authority.xml", "zorin")),
    ("a%20b.xml#x%41", ("", "a b.xml", "xA")),
    (" \tauthority.xml#zorin\n", ("", "authority.xml", "zorin")),
    ("https://history.state.gov/x#y", ("https", "/x", "y")),
    ("//host/a.xml#b", ("//", "/a.xml", "b")),
    ("//[", ("//", "//[", "")),
])
def test_a_pointer_is_parsed_once_one_way(token: str, parts: tuple[str, str, str]) -> None:
    assert pointers.split(token) == parts
    if token.startswith("#"):
        assert pointers.local_fragment(token) == parts[2]


def test_the_frus_checks_and_the_frus_pages_read_pointers_alike() -> None:
    """What the FRUS checks accept as another volume is what the stylesheets are told names one."""
    kind = frus.KIND
    # "pg_494": an underscore is a name character (an XSD regex's \w, which once decided this, has none).
    for token, volume in [("frus1961-63v05#d183", True), ("frus1961-63v07#pg_494", True), ("frus1961-63v05", True),
                          ("frus1961-63v05#", False), ("frus1961-63v05#183", False),
                          ("#d67", False), ("d67", False), ("https://history.state.gov/", False)]:
        resolved = pointers._stylesheet_target(token, None, Path("."), False, kind.publication_name,
                                               pointers.StylesheetTargets())
        assert (resolved is not None and resolved[0] == "publication") == volume, token
    excerpt = parse_document(Path(__file__).parent / "fixtures" / "frus" / "frus1961-63v06-excerpt.xml")
    told = pointers.for_stylesheets(excerpt, kind=kind)
    assert told.pointers["frus1961-63v11#d234"] == ("publication", "frus1961-63v11", "d234")
    assert not told.documents  # a volume's pointers never open a file
    ids = {"d67": None}
    assert frus._pointer_problem("#d%367", ids) is None  # "%36" is "6": one meaning of a pointer
    assert frus._pointer_problem("frus1961-63v05#d183", ids) is None
    assert frus._pointer_problem("frus1961-63v07#pg_494", ids) is None
    assert frus._pointer_problem("frus1961-63v05#183", ids) is not None
    assert frus._pointer_problem("d67", ids) is not None


def test_every_pointer_attribute_is_found_and_nothing_else() -> None:
    """The stylesheets are told of every pointer attribute's value (found in one walk of the tree, not an
    XPath union, which libxml2 merges in quadratic time): the same values as one XPath per attribute, on
    real documents and on one with a pointer-named attribute of another namespace and pointers in a
    comment and a processing instruction, which are no pointers."""
    from lxml import etree

    from toolkit.vocabulary import POINTER_ATTRIBUTES

    tricky = parse_bytes(Path("tricky.xml"), DOCUMENT.replace(
        "<persName", '<!-- ref="#in-a-comment" --><?pi target="#in-a-pi"?><persName xmlns:x="urn:x" x:ref="#x"'
    ).replace("POINTER", "authority.xml#zorin").encode("utf-8"))
    documents = [parse_document(path) for path in sorted(EDITION.glob("*.xml"))] + [tricky]
    assert len(documents) > 2
    for document in documents:
        expected = {str(value) for attribute in POINTER_ATTRIBUTES
                    for value in etree.XPath(f"//@{attribute}")(document.root)}
        assert pointers._pointer_values(document.root) == expected
    assert pointers._pointer_values(tricky.root) == {"authority.xml#zorin"}
