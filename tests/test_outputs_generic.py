"""Any TEI P5 document can be built (with --no-validate): a minimal one, one full
of elements the stylesheets were not written for, hostile references. And the
build itself: atomic, no output for an invalid document, parallel, the CLI."""

from __future__ import annotations

import datetime
import shutil
from pathlib import Path

import lxml.html
import pytest

from outputs_support import EDITION, FIXTURES, build_edition, output_text
from toolkit import build, formats, transform
from toolkit.cli import main
from toolkit.errors import EXIT_INVALID, EXIT_OK, EXIT_USAGE
from toolkit.xmlio import parse_document

ALL_FILES = {"html": ["{id}.html"], "text": ["{id}.diplomatic.txt", "{id}.reading.txt"],
             "cite": ["{id}.txt", "{id}.html", "{id}.passages.txt", "{id}.bib", "{id}.ris", "{id}.json"]}


def expected_files(out: Path, doc_id: str) -> list[Path]:
    return [out / output / name.format(id=doc_id) for output, names in ALL_FILES.items() for name in names]


@pytest.mark.parametrize("name", ["minimal", "unknown-elements"])
def test_generic_documents_build_without_error(tmp_path: Path, name: str) -> None:
    result = build_edition(tmp_path, [FIXTURES / f"{name}.xml"], validate=False)
    assert not result.problems, [problem.format() for problem in result.problems]
    for path in expected_files(tmp_path, name):
        assert path.is_file() and path.stat().st_size > 0, path
    assert (tmp_path / "html" / "index.html").is_file() and (tmp_path / "html" / "edition.css").is_file()


def test_minimal_document_outputs(tmp_path: Path) -> None:
    build_edition(tmp_path, [FIXTURES / "minimal.xml"], validate=False)
    assert (tmp_path / "text" / "minimal.diplomatic.txt").read_text(encoding="utf-8") == "Hello, world.\n"
    page = lxml.html.document_fromstring((tmp_path / "html" / "minimal.html").read_text(encoding="utf-8"))
    assert page.xpath("string(//h1)") == "A minimal document"
    assert page.xpath("//p[@id='p1' and contains(@class, 'numbered')]")


def test_unknown_elements_degrade_to_their_text(tmp_path: Path) -> None:
    build_edition(tmp_path, [FIXTURES / "unknown-elements.xml"], validate=False)
    text = " ".join((tmp_path / "text" / "unknown-elements.reading.txt").read_text(encoding="utf-8").split())
    for words in ("unknown markup", "Title page", "A line of verse", "one-a", "Speech.", "Embedded text without a type.",
                  "a lone erorr", "a lone fix", "old,"):
        assert words in text
    assert "Not text." not in text and "Someone" not in text  # figDesc, stand-off records
    html = (tmp_path / "html" / "unknown-elements.html").read_text(encoding="utf-8")
    page = lxml.html.document_fromstring(html)
    assert page.get("lang") == "de"
    assert page.xpath("//span[@class='tei-unknownThing'][contains(., 'unknown')]")
    # names whose authority file is missing or on the network: plain text, no link
    assert page.xpath("//span[@class='name person'][.='Nobody']")
    assert page.xpath("//span[@class='name place'][.='Far Away']")
    # a record in the document itself is found
    assert page.xpath("//a[@class='name org'][@href='#org-local-org']") and page.xpath("//dt[@id='org-local-org']")
    # no hostile or remote link, no image
    assert "javascript:" not in html and not page.xpath("//img")
    assert page.xpath("//time[@datetime='10-27']")
    assert not page.xpath("//time[@datetime='junk']")
    # block elements inside a paragraph keep the HTML valid: no <ol> inside <p>
    assert not page.xpath("//p//ol | //p//ul | //p//div | //p//p | //p//blockquote")


def test_authority_file_with_a_doctype_is_not_read(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT", encoding="utf-8")
    (tmp_path / "evil.xml").write_text(
        f'<!DOCTYPE TEI [<!ENTITY x SYSTEM "{secret.as_uri()}">]>'
        '<TEI xmlns="http://www.tei-c.org/ns/1.0"><standOff><listPerson><person xml:id="x">'
        '<persName>&x;</persName></person></listPerson></standOff></TEI>', encoding="utf-8")
    document = tmp_path / "doc.xml"
    document.write_text(
        (FIXTURES / "minimal.xml").read_text(encoding="utf-8").replace(
            "Hello, world.", 'Hello, <persName ref="evil.xml#x">Eve</persName>.'), encoding="utf-8")
    out = tmp_path / "out"
    result = build_edition(out, [document], validate=False)
    assert not result.problems
    for path in result.written:
        assert "TOP-SECRET" not in output_text(path), path
    page = (out / "html" / "doc.html").read_text(encoding="utf-8")
    assert '<span class="name person">Eve</span>' in page


def copy_edition(folder: Path) -> Path:
    folder.mkdir()
    shutil.copy(EDITION.parent / "authority.xml", folder / "authority.xml")
    return Path(shutil.copy(EDITION, folder / EDITION.name))


def test_invalid_document_gets_no_output_and_keeps_earlier_ones(tmp_path: Path) -> None:
    document = copy_edition(tmp_path / "tei")
    out = tmp_path / "build"
    first = build_edition(out, [document])
    assert not first.errors and len(first.built) == 1
    before = {path: (path.read_bytes(), path.stat().st_mtime_ns) for path in first.built[0].files}
    document.write_text(document.read_text(encoding="utf-8").replace(
        '<p xml:id="d256-p15" n="15">', '<p xml:id="d256-p15" n="15"><bogus/>'), encoding="utf-8")
    second = build_edition(out, [document], access_date=None)  # another access date: outputs would differ
    assert second.errors and not second.built
    assert second.errors[0].path.endswith(EDITION.name)
    for path, (data, mtime) in before.items():
        assert path.read_bytes() == data and path.stat().st_mtime_ns == mtime, path
    assert not list(out.rglob("*.tmp"))


def test_not_well_formed_document_is_reported_not_built(tmp_path: Path) -> None:
    broken = tmp_path / "broken.xml"
    broken.write_text("<TEI xmlns='http://www.tei-c.org/ns/1.0'><teiHeader>", encoding="utf-8")
    result = build_edition(tmp_path / "out", [broken], validate=False)
    assert result.errors and result.errors[0].message.startswith("not well-formed")
    assert not (tmp_path / "out" / "text").exists()


def test_many_documents_are_built_in_worker_processes(tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    count = build.PARALLEL_THRESHOLD + 1
    for n in range(count):
        shutil.copy(FIXTURES / "minimal.xml", folder / f"doc{n:02}.xml")
    result = build_edition(tmp_path / "out", [folder], validate=False, jobs=2, formats=("html", "text"))
    assert not result.problems and len(result.built) == count
    index = lxml.html.document_fromstring((tmp_path / "out" / "html" / "index.html").read_text(encoding="utf-8"))
    assert len(index.xpath("//ol[@class='documents']/li")) == count


def test_stylesheets_are_compiled_once_per_process() -> None:
    first = transform.executable()
    assert transform.executable() is first


@pytest.mark.parametrize("output", formats.names())
def test_each_output_alone_makes_the_same_files(output: str) -> None:
    """A build of one output makes exactly the files of that output that a build of all makes."""
    document = parse_document(EDITION)
    parameters = transform.Parameters(access_date=datetime.date(2025, 1, 15))
    alone = transform.transform(document, (output,), parameters).files
    together = transform.transform(document, formats.names(), parameters).files
    assert alone and all(item.format == output for item in alone)
    assert alone == [item for item in together if item.format == output]


def test_cli_build(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    code = main(["build", "--out", str(out), "--no-validate", "--format", "text,cite", "--access-date", "2025-01-15",
                 "--edition-url", "https://example.org/ed", str(FIXTURES / "minimal.xml")])
    assert code == EXIT_OK
    assert "1 document built (text, cite)" in capsys.readouterr().err
    assert not (out / "html").exists()
    assert "https://example.org/ed/minimal.html" in (out / "cite" / "minimal.bib").read_text(encoding="utf-8")


def test_cli_build_reports_an_invalid_document(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    document = copy_edition(tmp_path / "tei")
    document.write_text(document.read_text(encoding="utf-8").replace('n="15">', 'n="15"><bogus/>'), encoding="utf-8")
    code = main(["build", "--out", str(tmp_path / "out"), "--format", "text", str(document)])
    captured = capsys.readouterr()
    assert code == EXIT_INVALID
    assert "frus1961-63v11-d256.xml:" in captured.out and ": error: " in captured.out
    assert "1 failed, earlier outputs kept" in captured.err


def test_cli_build_usage_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["build", "--out", str(tmp_path), "--format", "pdf", str(FIXTURES / "minimal.xml")]) == EXIT_USAGE
    assert 'unknown output format "pdf"' in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_info:
        main(["build", "--access-date", "yesterday"])
    assert exit_info.value.code == EXIT_USAGE


def test_stylesheet_conventions() -> None:
    """Every template, function, parameter and variable declares its type (as=);
    everything global of ours, and every mode, is in the t: namespace; every
    mode says what happens to a node none of its templates match: a catch-all
    template, or an xsl:mode declaration with on-no-match."""
    from lxml import etree

    from toolkit.paths import XSLT_DIR

    xsl = "{http://www.w3.org/1999/XSL/Transform}"
    problems, modes, catch_alls = [], set(), set()
    for path in sorted(XSLT_DIR.glob("*.xsl")):
        tree = etree.parse(str(path))
        for element in tree.iter(f"{xsl}template", f"{xsl}function", f"{xsl}param", f"{xsl}variable"):
            if element.get("as") is None:
                problems.append(f"{path.name}:{element.sourceline}: no as= on {etree.QName(element).localname}")
            name = element.get("name")
            if name and element.getparent().tag == f"{xsl}stylesheet" and not name.startswith("t:"):
                problems.append(f"{path.name}:{element.sourceline}: {name} is not in the t: namespace")
        for element in tree.iter(f"{xsl}template"):
            for mode in (element.get("mode") or "").split():
                modes.add(mode)
                if element.get("match") in ("*", "element()"):
                    catch_alls.add(mode)
        for element in tree.iter(f"{xsl}mode"):
            if element.get("on-no-match"):
                catch_alls.add(element.get("name"))
    assert not problems, problems
    assert all(mode.startswith("t:") for mode in modes), modes
    assert modes == catch_alls, modes - catch_alls
