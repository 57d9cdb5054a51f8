"""A FRUS volume is transformed part by part (toolkit/kinds/frus: ``parts``; toolkit/transform.py:
``transform_in_parts``; xslt/collection.xsl: ``t:part``), so that Saxon's memory follows a part of the
volume, not the volume.

The oracle is the volume transformed in one piece, as before parts existed (the kind's ``parts``
removed): every file of the build in parts must be byte for byte the same. The number of
transformations and what each one made are observed by wrapping the transformation's ``run``.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from lxml import etree

from outputs_support import FRUS_SUPPLEMENT, FRUS_VOLUME, build_edition
from toolkit import kinds, transform
from toolkit.errors import TransformError
from toolkit.kinds import frus

TEI = "http://www.tei-c.org/ns/1.0"
VOLUME_ID = "frus1961-63v06"
#: The transformations of a build that make no document's files: the index page, the registers.
SITE_WIDE = {"edition index", "registers and chronology"}


def document_count(path: Path) -> int:
    return len(etree.parse(str(path)).getroot().findall(f".//{{{TEI}}}body//{{{TEI}}}div[@type='document']"))


def tree(out: Path) -> dict[str, bytes]:
    """Every output file (html, text, cite and the site-wide ones) by its relative name."""
    return {path.relative_to(out).as_posix(): path.read_bytes() for path in sorted(out.rglob("*"))
            if path.is_file() and not path.relative_to(out).as_posix().startswith(".teikit")}


@pytest.fixture
def runs(monkeypatch: pytest.MonkeyPatch) -> list[tuple[tuple[int, ...], list[str]]]:
    """Each transformation of this test: its part, and the names of the HTML files it made."""
    made: list[tuple[tuple[int, ...], list[str]]] = []
    original = transform._Transformation.run

    def counted(self, part: tuple[int, ...] = (), formats: tuple[str, ...] = (),
                spool: Path | None = None) -> transform.Envelope:
        envelope = original(self, part, formats, spool)
        if self.subject not in SITE_WIDE:
            made.append((part, [item.name for item in envelope.files if item.format == "html"]))
        return envelope

    monkeypatch.setattr(transform._Transformation, "run", counted)
    return made


@pytest.fixture
def whole(monkeypatch: pytest.MonkeyPatch):
    """The frus kind without parts: a volume in one transformation, as before."""
    kind = kinds.get("frus")
    kinds.register(dataclasses.replace(kind, parts=None))
    yield
    kinds.register(kind)


def test_each_document_is_made_by_a_transformation_of_its_own(tmp_path: Path, runs, monkeypatch) -> None:
    monkeypatch.setattr(frus, "PART_SIZE", 1)  # every document is a part
    result = build_edition(tmp_path / "out", [FRUS_VOLUME], validate=False)
    assert not result.errors
    count = document_count(FRUS_VOLUME)
    # the volume's own files (contents page, card) first, then one transformation per document
    assert [part for part, _ in runs] == [(0,)] + [(number, number) for number in range(1, count + 1)]
    assert runs[0][1] == [f"{VOLUME_ID}/index.html"]
    for _, names in runs[1:]:
        assert len(names) == 1 and names[0].startswith(f"{VOLUME_ID}/d"), names


def test_parts_of_several_documents_follow_part_size(tmp_path: Path, runs, monkeypatch) -> None:
    volume = etree.parse(str(FRUS_VOLUME)).getroot()
    sizes = [frus.OUTPUT_PER_BYTE * len(etree.tostring(division, with_tail=False)) + frus.OUTPUT_PER_DOCUMENT
             for division in volume.iterfind(f".//{{{TEI}}}body//{{{TEI}}}div[@type='document']")]
    monkeypatch.setattr(frus, "PART_SIZE", sum(sizes) // 3)
    build_edition(tmp_path / "out", [FRUS_VOLUME], validate=False)
    parts = [part for part, _ in runs[1:]]
    assert 3 <= len(parts) <= 4
    assert parts[0][0] == 1 and parts[-1][1] == len(sizes)
    assert all(later[0] == earlier[1] + 1 for earlier, later in zip(parts, parts[1:]))  # no gap, no overlap
    for first, last in parts[:-1]:  # each part closes as soon as it reaches the size
        assert sum(sizes[first - 1:last]) >= sum(sizes) // 3 > sum(sizes[first - 1:last - 1])


@pytest.mark.parametrize("source, validate", [(FRUS_VOLUME, False), (FRUS_SUPPLEMENT, True)])
def test_in_parts_every_file_is_what_one_transformation_makes(tmp_path: Path, monkeypatch, source: Path,
                                                              validate: bool, request) -> None:
    if validate:  # a document kept back by its error: parts count it, the volume's pages skip it
        text = source.read_text(encoding="utf-8")
        source = tmp_path / source.name
        source.write_text(text.replace('<frus:pdf bytes="215230"', '<uh-oh>page 3</uh-oh><frus:pdf bytes="215230"', 1),
                          encoding="utf-8")
    monkeypatch.setattr(frus, "PART_SIZE", 1)
    in_parts = build_edition(tmp_path / "parts", [source], validate=validate, search_index=False)
    request.getfixturevalue("whole")
    at_once = build_edition(tmp_path / "whole", [source], validate=validate, search_index=False)
    assert [problem.format() for problem in in_parts.problems] == [problem.format() for problem in at_once.problems]
    assert in_parts.documents[0].withheld == at_once.documents[0].withheld
    assert bool(in_parts.documents[0].withheld) == validate
    assert tree(tmp_path / "parts") == tree(tmp_path / "whole")


def test_a_part_that_fails_places_nothing_of_the_volume(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(frus, "PART_SIZE", 1)
    original = transform._Transformation.run

    def failing(self, part: tuple[int, ...] = (), formats: tuple[str, ...] = (),
                spool: Path | None = None) -> transform.Envelope:
        if part and part[0] == 3:
            raise TransformError("a stylesheet failed on document 3", path=self.subject)
        return original(self, part, formats, spool)

    monkeypatch.setattr(transform._Transformation, "run", failing)
    result = build_edition(tmp_path / "out", [FRUS_VOLUME], validate=False)
    assert [problem.message for problem in result.errors] == ["a stylesheet failed on document 3"]
    assert not (tmp_path / "out" / "html" / VOLUME_ID).exists()
    assert result.documents[0].files == []


def test_a_volume_past_a_workers_budget_is_finished_by_fresh_workers(tmp_path: Path, monkeypatch) -> None:
    """Workers past their memory budget stop between two parts (toolkit/pool.py, Resume): a fresh worker
    carries on with the rest; every file, problem and document kept back is what one process makes."""
    from toolkit import build, pool

    text = FRUS_SUPPLEMENT.read_text(encoding="utf-8")
    supplement = tmp_path / "in" / FRUS_SUPPLEMENT.name
    supplement.parent.mkdir()
    supplement.write_text(text.replace('<frus:pdf bytes="215230"', '<uh-oh>page 3</uh-oh><frus:pdf bytes="215230"', 1),
                          encoding="utf-8")
    (tmp_path / "in" / FRUS_VOLUME.name).write_bytes(FRUS_VOLUME.read_bytes())
    inputs = sorted((tmp_path / "in").glob("*.xml"))
    one_process = build_edition(tmp_path / "one", inputs, search_index=False, jobs=1)

    joined: list[Path] = []
    original = build._joined

    def counted(done, rest):
        joined.append(done.path)
        return original(done, rest)

    monkeypatch.setattr(build, "_joined", counted)  # the parent joins the pieces: counted here
    monkeypatch.setattr(build, "LARGE_INPUT", 0)  # both volumes to the workers, however small
    monkeypatch.setattr(pool, "WORKER_BUDGET", 1)  # every worker is past it after its first part
    monkeypatch.setattr(pool, "cores", lambda: 2)
    monkeypatch.setattr(pool, "available_memory", lambda: 8 * pool.WORKER_MEMORY)
    resumed = build_edition(tmp_path / "resumed", inputs, search_index=False, jobs=2)
    # each volume's own pages in one worker, each of its parts in another (joined once a part)
    assert set(joined) == set(inputs)
    assert [problem.format() for problem in resumed.problems] == [problem.format() for problem in one_process.problems]
    assert [document.withheld for document in resumed.documents] == [document.withheld for document in one_process.documents]
    assert any(document.withheld for document in resumed.documents)
    assert tree(tmp_path / "resumed") == tree(tmp_path / "one")


def test_a_rest_that_fails_places_nothing_of_the_volume(tmp_path: Path) -> None:
    from toolkit import build
    from toolkit.errors import Problem

    done = build.DocumentBuild(tmp_path / "v.xml", index_card="<card/>", staged={"html/v/index.html": tmp_path / "a"},
                               data={build.LIBRARY_DATA: "<t:records xmlns:t='urn:telegram2477:xslt'/>"})
    failed = build.DocumentBuild(tmp_path / "v.xml", problems=[Problem("v.xml", 1, 1, "a stylesheet failed")])
    joined = build._joined(done, failed)
    assert joined.staged == {} and joined.index_card is None and joined.data == {}
    assert [problem.message for problem in joined.problems] == ["a stylesheet failed"]
    rest = build.DocumentBuild(tmp_path / "v.xml", staged={"html/v/d1.html": tmp_path / "b"})
    whole = build._joined(build.DocumentBuild(tmp_path / "v.xml", staged={"html/v/index.html": tmp_path / "a"}), rest)
    assert sorted(whole.staged) == ["html/v/d1.html", "html/v/index.html"] and not whole.problems
