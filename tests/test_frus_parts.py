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

    def counted(self, part: tuple[int, ...] = (), formats: tuple[str, ...] = ()) -> transform.Envelope:
        envelope = original(self, part, formats)
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

    def failing(self, part: tuple[int, ...] = (), formats: tuple[str, ...] = ()) -> transform.Envelope:
        if part and part[0] == 3:
            raise TransformError("a stylesheet failed on document 3", path=self.subject)
        return original(self, part, formats)

    monkeypatch.setattr(transform._Transformation, "run", failing)
    result = build_edition(tmp_path / "out", [FRUS_VOLUME], validate=False)
    assert [problem.message for problem in result.errors] == ["a stylesheet failed on document 3"]
    assert not (tmp_path / "out" / "html" / VOLUME_ID).exists()
    assert result.documents[0].files == []
