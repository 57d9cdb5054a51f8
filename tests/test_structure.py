"""Structures the stylesheets and the validator must not assume away (issue 22, class 8).

The cases, each with its fixture in tests/fixtures/structure/ (see its README): a FRUS volume with an
empty ``<editor/>`` (as frus1958-60v05 of 2015 has, which could not be built at all); a teiCorpus
nested in a teiCorpus (it validated, then published nothing, with exit 0); FRUS document divisions
nested in one another (the inner one was missing from the contents and its text repeated in the
outer page); two unrelated TEI files that both use ``xml:id="p1"`` (valid alone, invalid together).

And the audit behind the first: no stylesheet may assume that an optional part is there. Every
part of a header (each element, emptied and removed; each attribute, emptied and removed) is taken
away in turn, and the document must still be transformed.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

from lxml import etree

from toolkit import build, transform, validate
from toolkit.errors import TransformError
from toolkit.xmlio import TEI_NS, parse_document

FIXTURES = Path(__file__).parent / "fixtures" / "structure"
EDITION = Path(__file__).parent.parent / "tei" / "frus1961-63v11-d256.xml"
ACCESS = dict(access_date=__import__("datetime").date(2025, 1, 15))


def _build(tmp_path: Path, *paths: Path) -> build.BuildResult:
    return build.build(list(paths), tmp_path / "out", jobs=1, **ACCESS)


def test_a_frus_volume_with_an_empty_editor_is_built(tmp_path: Path) -> None:
    result = _build(tmp_path, FIXTURES / "frus-empty-editor.xml")
    assert not result.errors, [problem.format() for problem in result.errors]
    cite = tmp_path / "out" / "cite" / "frus1961-63v06"
    bib = (cite / "d57.bib").read_text(encoding="utf-8")
    assert "editor" not in bib.replace("editora", "")  # the nameless editors are no editors
    csl = json.loads((cite / "d57.json").read_text(encoding="utf-8"))[0]
    assert "editor" not in csl
    assert ", ed." not in (cite / "d57.txt").read_text(encoding="utf-8")


def test_a_nested_tei_corpus_publishes_every_member(tmp_path: Path) -> None:
    result = _build(tmp_path, FIXTURES / "nested-corpus.xml")
    assert not result.errors and not [d for d in result.documents if d.skipped], result.summary()
    html = tmp_path / "out" / "html" / "letters"
    assert sorted(path.name for path in html.iterdir()) == ["first-letter.html", "index.html", "tei2.html",
                                                             "third-letter.html"]
    contents = (html / "index.html").read_text(encoding="utf-8")
    order = [contents.index(f'href="{name}.html"') for name in ("first-letter", "tei2", "third-letter")]
    assert order == sorted(order)
    assert "Words of the second letter." in (html / "tei2.html").read_text(encoding="utf-8")


def test_a_corpus_without_any_text_is_said_to_be_skipped(tmp_path: Path) -> None:
    text = (FIXTURES / "nested-corpus.xml").read_text(encoding="utf-8")
    empty = tmp_path / "headers-only.xml"
    tree = etree.fromstring(text.encode("utf-8"))
    for element in tree.iter(f"{{{TEI_NS}}}text"):
        element.getparent().remove(element)
    empty.write_bytes(etree.tostring(tree))
    result = build.build([empty], tmp_path / "out", validate=False, jobs=1, **ACCESS)
    assert [document.skipped for document in result.documents] == [
        "no <text>: nothing to publish (an authority or stand-off file)"]


def test_nested_frus_documents_each_have_their_page_once(tmp_path: Path) -> None:
    result = _build(tmp_path, FIXTURES / "frus-nested-documents.xml")
    assert not result.errors, [problem.format() for problem in result.errors]
    volume = tmp_path / "out" / "html" / "frus1961-63v06"
    outer, inner = ((volume / name).read_text(encoding="utf-8") for name in ("d57.html", "d58.html"))
    inner_words = "Your greetings and best"
    assert inner_words in inner and inner_words not in outer  # its text once, on its own page
    assert 'href="d58.html">Document 58: Telegram From the Department of State' in outer  # where it stood
    contents = (volume / "index.html").read_text(encoding="utf-8")
    assert contents.index('href="d57.html"') < contents.index('href="d58.html"')
    texts = tmp_path / "out" / "text" / "frus1961-63v06"
    assert inner_words not in (texts / "d57.reading.txt").read_text(encoding="utf-8")
    assert inner_words in " ".join((texts / "d58.reading.txt").read_text(encoding="utf-8").split())


def test_two_unrelated_tei_files_may_use_the_same_id() -> None:
    report = validate.validate_paths([FIXTURES / "unrelated"], jobs=1)
    assert not report.errors, [problem.format() for problem in report.errors]


def test_a_repeated_id_within_one_tei_file_is_still_an_error(tmp_path: Path) -> None:
    text = (FIXTURES / "unrelated" / "a.xml").read_text(encoding="utf-8")
    path = tmp_path / "twice.xml"
    path.write_text(text.replace("<p>It points", '<p xml:id="p1">It points'), encoding="utf-8")
    assert [problem.rule for problem in validate.validate_paths([path], jobs=1).errors] == ["id-unique"]


def test_ids_of_the_edition_stay_unique_across_its_documents(tmp_path: Path) -> None:
    """The edition's kind says otherwise: its documents and authority file share one namespace of ids."""
    folder = tmp_path / "edition"
    folder.mkdir()
    text = EDITION.read_text(encoding="utf-8")
    (folder / "authority.xml").write_text((EDITION.parent / "authority.xml").read_text(encoding="utf-8"))
    (folder / "one.xml").write_text(text)
    (folder / "two.xml").write_text(text.replace('xml:id="frus1961-63v11-d256"', 'xml:id="copy"'))
    rules = {problem.rule for problem in validate.validate_paths([folder], jobs=1).errors}
    assert rules == {"id-unique"}


# --------------------------------------------------------------------------- the audit

def _header_mutants(path: Path):
    """The document with each part of its header (the first of each kind: element name under parent
    name) emptied, then removed; each of its attributes emptied, then removed."""
    tree = etree.parse(str(path))
    header = tree.getroot().find(f"{{{TEI_NS}}}teiHeader")
    elements = list(header.iter(etree.Element))
    seen: set = set()
    for number, element in enumerate(elements):
        parent = element.getparent()
        kind = (parent.tag if parent is not None else None, element.tag)
        if element is header or kind in seen:
            continue
        seen.add(kind)
        for how in ("emptied", "removed"):
            mutant = copy.deepcopy(tree)
            target = list(mutant.getroot().find(f"{{{TEI_NS}}}teiHeader").iter(etree.Element))[number]
            if how == "emptied":
                tail = target.tail
                target.clear()
                target.tail = tail
            else:
                target.getparent().remove(target)
            yield f"{tree.getpath(element)} {how}", mutant
        for attribute in element.attrib:
            for how in ("emptied", "removed"):
                mutant = copy.deepcopy(tree)
                target = list(mutant.getroot().find(f"{{{TEI_NS}}}teiHeader").iter(etree.Element))[number]
                if how == "emptied":
                    target.set(attribute, "")
                else:
                    del target.attrib[attribute]
                yield f"{tree.getpath(element)}/@{attribute} {how}", mutant


def test_no_stylesheet_assumes_an_optional_part_of_the_header(tmp_path: Path) -> None:
    """On the FRUS volume (its header feeds every unit's; the edition's header, 212 cases, runs in the
    fuzzer: tests/test_fuzz.py, ``make fuzz``)."""
    assert sweep_header(tmp_path, FIXTURES / "frus-empty-editor.xml") == []


def sweep_header(tmp_path: Path, source: Path) -> list[str]:
    """Every mutant of :func:`_header_mutants` transformed; the failures."""
    (tmp_path / "authority.xml").write_bytes((EDITION.parent / "authority.xml").read_bytes())
    failures = []
    for what, mutant in _header_mutants(source):
        path = tmp_path / source.name
        mutant.write(str(path), encoding="UTF-8", xml_declaration=True)
        try:
            transform.transform(parse_document(path))
        except TransformError as exc:
            failures.append(f"{what}: {exc.message}")
    return failures
