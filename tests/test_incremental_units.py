"""Incremental builds inside a changed FRUS volume (toolkit/build.py ``_unit_plan``, the frus kind's ``units``):
after an edit, only the documents whose outputs can differ are transformed again; the others' files are kept.

The oracle is a clean full build of the edited files into an empty folder: the incremental build's output
tree must be byte for byte the same (every file but the search index, html/pagefind/, whose file names
Pagefind draws at random: two clean builds differ there too; the builds here make none). Which documents
are transformed again is observed by wrapping the transformation's ``run``, and compared with what each
edit must touch, worked out here from the edited file with XPath (which documents name the element edited,
which stand next to it), not from the code under test.
"""

from __future__ import annotations

import random
import re
import shutil
from pathlib import Path

import pytest
from lxml import etree

from outputs_support import FRUS_SUPPLEMENT, FRUS_VOLUME, FRUS_VOLUME_V, build_edition
from toolkit import transform

TEI = "http://www.tei-c.org/ns/1.0"
XML_ID = "{http://www.w3.org/XML/1998/namespace}id"
NS = {"tei": TEI}
V06, V05 = "frus1961-63v06", "frus1961-63v05"
#: The transformations of a build that make no document's files: the index page, the registers.
SITE_WIDE = {"edition index", "registers and chronology"}


@pytest.fixture
def volumes(tmp_path: Path) -> dict[str, Path]:
    """The three FRUS fixtures, copied to be edited: volume id -> file."""
    folder = tmp_path / "volumes"
    folder.mkdir()
    found = {}
    for source, volume in ((FRUS_VOLUME, V06), (FRUS_VOLUME_V, V05), (FRUS_SUPPLEMENT, "frus1961-63v10-12mSupp")):
        found[volume] = folder / source.name
        shutil.copyfile(source, found[volume])
    return found


@pytest.fixture
def made(monkeypatch: pytest.MonkeyPatch) -> set[str]:
    """The documents' pages made by the transformations of this test ("frus1961-63v06/d67.html")."""
    pages: set[str] = set()
    original = transform._Transformation.run

    def counted(self, *args, **kwargs) -> transform.Envelope:
        envelope = original(self, *args, **kwargs)
        if self.subject not in SITE_WIDE:
            pages.update(item.name for item in envelope.files
                         if item.format == "html" and not item.name.endswith("/index.html"))
        return envelope

    monkeypatch.setattr(transform._Transformation, "run", counted)
    return pages


def _build(volumes: dict[str, Path], out: Path):
    """A validating build (an edit may make errors: the volume is then published document by document, or
    not at all, by the incremental build as by the clean one)."""
    return build_edition(out, sorted(volumes.values()), jobs=1, search_index=False)


def tree(out: Path) -> dict[str, bytes]:
    return {path.relative_to(out).as_posix(): path.read_bytes() for path in sorted(out.rglob("*"))
            if path.is_file() and not path.relative_to(out).as_posix().startswith(".teikit")}


def _same_as_a_clean_build(volumes: dict[str, Path], out: Path, tmp_path: Path) -> None:
    clean = tmp_path / "clean"
    _build(volumes, clean)
    incremental, expected = tree(out), tree(clean)
    assert sorted(incremental) == sorted(expected)
    assert [name for name in expected if incremental[name] != expected[name]] == []


def _root(path: Path) -> etree._Element:
    return etree.parse(str(path)).getroot()


def _documents(root: etree._Element) -> list[etree._Element]:
    return root.xpath("tei:text/tei:body//tei:div[@type = 'document']", namespaces=NS)


def _naming(root: etree._Element, identifiers: set[str]) -> set[str]:
    """The documents with an attribute whose value names one of ``identifiers`` ("#p_RD3")."""
    return {document.get(XML_ID) for document in _documents(root)
            if any(token.lstrip("#") in identifiers for value in document.xpath(".//@*") for token in value.split())}


def _neighbours(root: etree._Element, identifier: str) -> set[str]:
    order = [document.get(XML_ID) for document in _documents(root)]
    at = order.index(identifier)
    return {order[index] for index in (at - 1, at + 1) if 0 <= index < len(order)}


def _pages(volume: str, identifiers: set[str]) -> set[str]:
    return {f"{volume}/{identifier}.html" for identifier in identifiers}


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) >= 1, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _first_in(path: Path, identifier: str, pattern: str) -> str:
    """The first match of ``pattern`` after the element ``identifier`` starts (a piece of it to edit)."""
    text = path.read_text(encoding="utf-8")
    return re.compile(pattern).search(text, text.index(f'xml:id="{identifier}"')).group(0)


def _rebuild(volumes, tmp_path, made, edit) -> tuple[Path, set[str]]:
    """Build, edit, build again; return the output folder and the pages the second build made."""
    out = tmp_path / "out"
    _build(volumes, out)
    edit()
    made.clear()
    result = _build(volumes, out)
    assert not result.kept or all(document.path != volumes[V06] for document in result.kept)
    return out, set(made)


def test_a_word_in_a_paragraph_makes_that_document_again(volumes, tmp_path, made) -> None:
    v06 = volumes[V06]
    paragraph = _first_in(v06, "d67", r"<p>[^<]{20}")
    out, pages = _rebuild(volumes, tmp_path, made, lambda: _edit(v06, paragraph, paragraph + " (corrected)"))
    assert not [problem.format() for problem in _build(volumes, tmp_path / "check").errors]
    assert pages == _pages(V06, {"d67"})
    assert "(corrected)" in (out / "html" / V06 / "d67.html").read_text(encoding="utf-8")
    _same_as_a_clean_build(volumes, out, tmp_path)


def test_a_head_makes_the_document_and_its_neighbours_again(volumes, tmp_path, made) -> None:
    v06 = volumes[V06]
    head = _first_in(v06, "d67", r"<head>[^<]{10}")
    out, pages = _rebuild(volumes, tmp_path, made, lambda: _edit(v06, head, head + " (revised)"))
    assert pages == _pages(V06, {"d67"} | _neighbours(_root(v06), "d67"))
    _same_as_a_clean_build(volumes, out, tmp_path)


@pytest.mark.parametrize("entry", ["p_RD3", "t_NATO1"])
def test_an_entry_of_the_front_lists_makes_the_documents_that_name_it_again(volumes, tmp_path, made, entry) -> None:
    v06 = volumes[V06]
    defined = _first_in(v06, entry, r"[^<]*</(persName|term)>")
    out, pages = _rebuild(volumes, tmp_path, made, lambda: _edit(v06, defined, defined.replace("</", " (sic)</", 1)))
    expected = _naming(_root(v06), {entry})
    assert expected and pages == _pages(V06, expected)
    _same_as_a_clean_build(volumes, out, tmp_path)


def test_an_unnamed_entry_of_the_front_lists_makes_no_document_again(volumes, tmp_path, made) -> None:
    v06 = volumes[V06]
    root = _root(v06)
    named = {token.lstrip("#") for value in root.xpath("//tei:body//@*", namespaces=NS) for token in value.split()}
    entry = next(element.get(XML_ID) for element in root.xpath("//tei:front//tei:item//*[@xml:id]", namespaces=NS)
                 if element.get(XML_ID) not in named)
    defined = _first_in(v06, entry, r"[^<]*</(persName|term)>")
    out, pages = _rebuild(volumes, tmp_path, made, lambda: _edit(v06, defined, defined.replace("</", " (sic)</", 1)))
    assert pages == set()
    _same_as_a_clean_build(volumes, out, tmp_path)


def test_a_removed_document_makes_its_neighbours_and_those_naming_it_again(volumes, tmp_path, made) -> None:
    v06 = volumes[V06]
    root = _root(v06)
    removed = next(document for document in _documents(root) if document.get(XML_ID) == "d60")
    inside = {element.get(XML_ID) for element in removed.iter() if element.get(XML_ID)}
    expected = (_neighbours(root, "d60") | _naming(root, inside)) - {"d60"}

    def remove() -> None:
        text = v06.read_text(encoding="utf-8")
        start = text.rindex("<div", 0, text.index('xml:id="d60"'))
        v06.write_text(text[:start] + text[_end_of_div(text, start):], encoding="utf-8")

    out, pages = _rebuild(volumes, tmp_path, made, remove)
    assert pages == _pages(V06, expected)
    assert not (out / "html" / V06 / "d60.html").exists()
    _same_as_a_clean_build(volumes, out, tmp_path)


def _end_of_div(text: str, start: int) -> int:
    """Where the div that starts at ``start`` ends (after its end tag): divs nest."""
    depth, position = 0, start
    tags = re.compile(r"<div\b[^>]*?(/?)>|</div>")
    for match in tags.finditer(text, start):
        if match.group(0).startswith("</"):
            depth -= 1
        elif not match.group(1):
            depth += 1
        if depth == 0:
            return match.end()
        position = match.end()
    raise AssertionError(f"no end of the div at {start} (last tag at {position})")


def test_a_changed_id_makes_the_document_its_neighbours_and_those_naming_it_again(volumes, tmp_path, made) -> None:
    v06 = volumes[V06]
    root = _root(v06)
    expected = {"d84x"} | _neighbours(root, "d84") | _naming(root, {"d84"}) - {"d84"}
    out, pages = _rebuild(volumes, tmp_path, made, lambda: _edit(v06, 'xml:id="d84"', 'xml:id="d84x"'))
    assert pages == _pages(V06, expected)
    assert not (out / "html" / V06 / "d84.html").exists() and (out / "html" / V06 / "d84x.html").exists()
    _same_as_a_clean_build(volumes, out, tmp_path)


def test_the_header_makes_every_document_of_the_volume_again_and_links_to_it_from_others(
        volumes, tmp_path, made) -> None:
    """The volume's id changes: each of its pages is made again (in a new folder), and in volume V the one
    document that links volume VI (which is no longer in the build under that id)."""
    v06, v05 = volumes[V06], volumes[V05]
    out, pages = _rebuild(volumes, tmp_path, made, lambda: _edit(v06, f'<idno type="frus">{V06}</idno>',
                                                                 f'<idno type="frus">{V06}x</idno>'))
    everything = {document.get(XML_ID) for document in _documents(_root(v06))}
    assert pages == _pages(f"{V06}x", everything) | _pages(V05, _naming(_root(v05), {V06}))
    assert not (out / "html" / V06).exists()
    _same_as_a_clean_build(volumes, out, tmp_path)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_edits_anywhere_give_what_a_clean_build_gives(volumes, tmp_path, made, seed) -> None:
    """Words added to text anywhere in volume VI (front matter, lists, documents, notes, back), three at a
    time: whatever was made again, the output is what a clean build makes of the edited files."""
    v06 = volumes[V06]
    chooser = random.Random(seed)

    def edit() -> None:
        text = v06.read_text(encoding="utf-8")
        start = text.index("<text")
        places = [match.end() for match in re.finditer(r">(?=[A-Za-z])", text[start:])]
        for at in sorted(chooser.sample(places, 3), reverse=True):
            text = text[:start + at] + f"edit{at} " + text[start + at:]
        v06.write_text(text, encoding="utf-8")

    out, pages = _rebuild(volumes, tmp_path, made, edit)
    assert len(pages) < len(_documents(_root(v06)))  # three edits do not touch every document
    _same_as_a_clean_build(volumes, out, tmp_path)


def test_a_volume_that_no_longer_publishes_makes_only_the_documents_linking_it_again(volumes, tmp_path, made) -> None:
    """An error in volume VI's header keeps the whole volume back (its earlier outputs stay, as for any file
    that fails). Volume V did not change, but its one document that links volume VI must now link
    history.state.gov: the build settles the site and transforms volume V again (toolkit/site.py), and of it
    only that document. Its files are a clean build's (the clean build has no volume VI at all, so only
    volume V's files are compared)."""
    v06, v05 = volumes[V06], volumes[V05]
    out, pages = _rebuild(volumes, tmp_path, made, lambda: _edit(v06, "<titleStmt>", "<titleStmt><bogus/>"))
    assert pages == _pages(V05, _naming(_root(v05), {V06}))
    clean = tmp_path / "clean"
    _build(volumes, clean)
    ours = {name: data for name, data in tree(out).items() if f"/{V05}/" in name}
    assert ours and ours == {name: data for name, data in tree(clean).items() if f"/{V05}/" in name}
    assert "history.state.gov/historicaldocuments/frus1961-63v06" in \
        (out / "html" / V05 / "d37.html").read_text(encoding="utf-8")


def test_a_documents_key_holds_each_answer_of_the_site_it_links(tmp_path: Path) -> None:
    """Volume V's document 37 links volume VI as a whole and, here, its documents 66 and 67 (as in
    tests/test_library.py): each answer of the site (is the volume in the build, has the document a page) is
    in the key on its own, so that document 66 losing its page changes it even though 67 still has one."""
    from toolkit import kinds, pointers
    from toolkit.kinds import frus
    from toolkit.xmlio import parse_document

    source = tmp_path / FRUS_VOLUME_V.name
    source.write_text(FRUS_VOLUME_V.read_text(encoding="utf-8").replace(
        "<item>Soviet Crab Meat</item>", f'<item>Soviet Crab Meat; see <ref target="{V06}#d66">Document 66</ref> '
        f'and <ref target="{V06}#d67">Document 67</ref>.</item>', 1), encoding="utf-8")
    document = parse_document(source)
    resolved = pointers.for_stylesheets(document, None, kinds.get("frus")).pointers
    assert resolved[f"{V06}#d66"] == ("publication", V06, "d66")

    def key(site: dict, identifier: str = "d37") -> bytes:
        return dict(frus.units(document.root, site, resolved, "v05"))[identifier]

    both = {"volumes": {V06: ["d66", "d67"]}}
    assert key(both) == key({"volumes": {V06: ["d66", "d67"]}})
    assert key({"volumes": {V06: ["d67"]}}) != key(both)
    assert key({"volumes": {V06: ["d66"]}}) != key(both)
    assert key({"volumes": {}}) != key(both) and key({}) == key({"volumes": {}})
    assert key({"volumes": {V06: ["d67"]}}, "d48") == key(both, "d48")  # it links nothing of volume VI
