"""A large single document is transformed once per output format (toolkit/transform.py:
``FORMAT_BY_FORMAT``, ``transform_in_parts``), so that Saxon holds one format's files at a time.

The oracle is the same document built in one transformation (the threshold left where it is: the
edition's document is far below it): with the threshold lowered to one character, every output file
must be byte for byte the same, the index page, registers and chronology included (they are made from
the card and records the HTML's transformation returns). The transformations are observed by wrapping
``_Transformation.run``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from outputs_support import EDITION, FRUS_VOLUME, build_edition
from toolkit import transform
from toolkit.errors import TransformError
from toolkit.kinds import frus

#: The transformations of a build that make no document's files: the index page, the registers.
SITE_WIDE = {"edition index", "registers and chronology"}


def tree(out: Path) -> dict[str, bytes]:
    return {path.relative_to(out).as_posix(): path.read_bytes() for path in sorted(out.rglob("*"))
            if path.is_file() and not path.relative_to(out).as_posix().startswith(".teikit")}


@pytest.fixture
def runs(monkeypatch: pytest.MonkeyPatch) -> list[tuple[tuple[int, ...], tuple[str, ...], list[str]]]:
    """Each transformation of a document: its part, the formats asked of it, and the formats it made."""
    made: list[tuple[tuple[int, ...], tuple[str, ...], list[str]]] = []
    original = transform._Transformation.run

    def counted(self, part: tuple[int, ...] = (), formats: tuple[str, ...] = ()) -> transform.Envelope:
        envelope = original(self, part, formats)
        if self.subject not in SITE_WIDE:
            made.append((part, formats or self.formats, sorted({item.format for item in envelope.files})))
        return envelope

    monkeypatch.setattr(transform._Transformation, "run", counted)
    return made


def test_a_large_document_is_made_format_by_format_and_every_file_is_the_same(tmp_path: Path, runs,
                                                                              monkeypatch) -> None:
    at_once = build_edition(tmp_path / "whole", [EDITION], validate=False, search_index=False)
    assert [formats for _, formats, _ in runs] == [("html", "text", "cite")]
    runs.clear()
    monkeypatch.setattr(transform, "FORMAT_BY_FORMAT", 1)
    by_format = build_edition(tmp_path / "split", [EDITION], validate=False, search_index=False)
    assert not at_once.errors and not by_format.errors
    assert [(formats, made) for _, formats, made in runs] == [
        (("html",), ["html"]), (("text",), ["text"]), (("cite",), ["cite"])]
    assert by_format.documents[0].index_card == at_once.documents[0].index_card
    whole, split = tree(tmp_path / "whole"), tree(tmp_path / "split")
    assert len(whole) > 20 and any(name.startswith("html/persons/") for name in whole)
    assert split == whole


def test_one_format_asked_is_one_transformation(tmp_path: Path, runs, monkeypatch) -> None:
    monkeypatch.setattr(transform, "FORMAT_BY_FORMAT", 1)
    result = build_edition(tmp_path / "out", [EDITION], validate=False, formats=("text",))
    assert not result.errors
    assert [(formats, made) for _, formats, made in runs] == [(("text",), ["text"])]


def test_a_volume_is_still_made_in_parts_each_of_every_format(tmp_path: Path, runs, monkeypatch) -> None:
    monkeypatch.setattr(transform, "FORMAT_BY_FORMAT", 1)
    monkeypatch.setattr(frus, "PART_SIZE", 10**12)  # the volume's own pages, then one part of every document
    result = build_edition(tmp_path / "out", [FRUS_VOLUME], validate=False, search_index=False)
    assert not result.errors
    assert [(part, formats) for part, formats, _ in runs] == [((0,), ("html", "text", "cite")),
                                                              ((1, runs[1][0][1]), ("html", "text", "cite"))]


def test_a_format_that_fails_places_nothing_of_the_document(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(transform, "FORMAT_BY_FORMAT", 1)
    original = transform._Transformation.run

    def failing(self, part: tuple[int, ...] = (), formats: tuple[str, ...] = ()) -> transform.Envelope:
        if formats == ("cite",):
            raise TransformError("a stylesheet failed on the citations", path=self.subject)
        return original(self, part, formats)

    monkeypatch.setattr(transform._Transformation, "run", failing)
    result = build_edition(tmp_path / "out", [EDITION], validate=False, search_index=False)
    assert [problem.message for problem in result.errors] == ["a stylesheet failed on the citations"]
    assert result.documents[0].files == []
    assert not list((tmp_path / "out").glob("*/frus1961-63v11-d256*"))
