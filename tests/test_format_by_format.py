"""A large single document is transformed once per output format (toolkit/transform.py:
``FORMAT_BY_FORMAT``, ``transform_in_parts``), so that Saxon holds one format's files at a time, and
its HTML page is written by Saxon straight to a file (``t:spool``), never held whole in memory.

The oracle is the same document built in one transformation (the threshold left where it is: the
edition's document is far below it): with the threshold lowered to one character, every output file
must be byte for byte the same, the index page, registers and chronology included (they are made from
the card and records the HTML's transformation returns). The transformations are observed by wrapping
``_Transformation.run``; a spooled page by what the envelope gave (a path, not a text).
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
def spooled() -> list[str]:
    """The files of the documents' envelopes that Saxon wrote itself (a path in the envelope)."""
    return []


@pytest.fixture
def runs(monkeypatch: pytest.MonkeyPatch, spooled) -> list[tuple[tuple[int, ...], tuple[str, ...], list[str]]]:
    """Each transformation of a document: its part, the formats asked of it, and the formats it made."""
    made: list[tuple[tuple[int, ...], tuple[str, ...], list[str]]] = []
    original = transform._Transformation.run

    def counted(self, part: tuple[int, ...] = (), formats: tuple[str, ...] = (),
                spool: Path | None = None) -> transform.Envelope:
        envelope = original(self, part, formats, spool)
        if self.subject not in SITE_WIDE:
            made.append((part, formats or self.formats, sorted({item.format for item in envelope.files})))
            spooled.extend(f"{item.format}/{item.name}" for item in envelope.files if isinstance(item.content, Path))
        return envelope

    monkeypatch.setattr(transform._Transformation, "run", counted)
    return made


def test_a_large_document_is_made_format_by_format_and_every_file_is_the_same(tmp_path: Path, runs, spooled,
                                                                              monkeypatch) -> None:
    at_once = build_edition(tmp_path / "whole", [EDITION], validate=False, search_index=False)
    assert [formats for _, formats, _ in runs] == [("html", "text", "cite")]
    assert spooled == []
    runs.clear()
    monkeypatch.setattr(transform, "FORMAT_BY_FORMAT", 1)
    monkeypatch.setattr(transform, "SPOOL_PAGE", 1)
    by_format = build_edition(tmp_path / "split", [EDITION], validate=False, search_index=False)
    assert not at_once.errors and not by_format.errors
    assert [(formats, made) for _, formats, made in runs] == [
        (("html",), ["html"]), (("text",), ["text"]), (("cite",), ["cite"])]
    # The page was written by Saxon (the envelope held its file, not its text), byte for byte the
    # page serialize() gives, and nothing of the spool is left behind.
    assert spooled == ["html/frus1961-63v11-d256.html"]
    assert by_format.documents[0].index_card == at_once.documents[0].index_card
    whole, split = tree(tmp_path / "whole"), tree(tmp_path / "split")
    assert len(whole) > 20 and any(name.startswith("html/persons/") for name in whole)
    assert split == whole
    assert not [path for path in (tmp_path / "split").rglob("*") if ".spool" in path.name]


def test_one_format_asked_is_one_transformation(tmp_path: Path, runs, spooled, monkeypatch) -> None:
    monkeypatch.setattr(transform, "FORMAT_BY_FORMAT", 1)
    result = build_edition(tmp_path / "out", [EDITION], validate=False, formats=("text",))
    assert not result.errors
    assert [(formats, made) for _, formats, made in runs] == [(("text",), ["text"])]
    assert spooled == []


def test_the_html_alone_of_a_large_document_is_spooled_too(tmp_path: Path, runs, spooled, monkeypatch) -> None:
    whole = build_edition(tmp_path / "whole", [EDITION], validate=False, search_index=False, formats=("html",))
    monkeypatch.setattr(transform, "FORMAT_BY_FORMAT", 1)
    monkeypatch.setattr(transform, "SPOOL_PAGE", 1)
    runs.clear()
    result = build_edition(tmp_path / "out", [EDITION], validate=False, search_index=False, formats=("html",))
    assert not whole.errors and not result.errors
    assert spooled == ["html/frus1961-63v11-d256.html"]
    assert tree(tmp_path / "out") == tree(tmp_path / "whole")


def test_a_page_above_spool_page_is_spooled_in_the_one_run_of_every_format(tmp_path: Path, runs, spooled,
                                                                            monkeypatch) -> None:
    whole = build_edition(tmp_path / "whole", [EDITION], validate=False, search_index=False)
    monkeypatch.setattr(transform, "SPOOL_PAGE", 1)  # FORMAT_BY_FORMAT left where it is
    runs.clear()
    result = build_edition(tmp_path / "out", [EDITION], validate=False, search_index=False)
    assert not whole.errors and not result.errors
    assert [(formats, made) for _, formats, made in runs] == [(("html", "text", "cite"), ["cite", "html", "text"])]
    assert spooled == ["html/frus1961-63v11-d256.html"]
    assert tree(tmp_path / "out") == tree(tmp_path / "whole")
    assert not [path for path in (tmp_path / "out").rglob("*") if ".spool" in path.name]


def test_a_volume_s_pages_are_never_spooled(tmp_path: Path, runs, spooled, monkeypatch) -> None:
    monkeypatch.setattr(transform, "FORMAT_BY_FORMAT", 1)
    monkeypatch.setattr(transform, "SPOOL_PAGE", 1)
    result = build_edition(tmp_path / "out", [FRUS_VOLUME], validate=False, search_index=False)
    assert not result.errors and len(runs) > 1
    assert spooled == []


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

    def failing(self, part: tuple[int, ...] = (), formats: tuple[str, ...] = (),
                spool: Path | None = None) -> transform.Envelope:
        if formats == ("cite",):
            raise TransformError("a stylesheet failed on the citations", path=self.subject)
        return original(self, part, formats, spool)

    monkeypatch.setattr(transform._Transformation, "run", failing)
    result = build_edition(tmp_path / "out", [EDITION], validate=False, search_index=False)
    assert [problem.message for problem in result.errors] == ["a stylesheet failed on the citations"]
    assert result.documents[0].files == []
    assert not list((tmp_path / "out").glob("*/frus1961-63v11-d256*"))
    assert not [path for path in (tmp_path / "out").rglob("*") if ".spool" in path.name]


def test_an_envelope_naming_a_spooled_file_that_was_not_written_is_an_error(tmp_path: Path) -> None:
    head = "file\thtml\tspooled\tpage.html"
    with pytest.raises(TransformError, match="written to a spool, but wrote none"):
        transform.split_envelope([head, ""], subject="large.xml")
    with pytest.raises(TransformError, match="written to a spool, but wrote none"):
        transform.split_envelope([head, ""], subject="large.xml", spool=tmp_path / ".spool-1.html")
    (tmp_path / ".spool-1.html").write_text("<p>page</p>", encoding="utf-8")
    envelope = transform.split_envelope([head, ""], subject="large.xml", spool=tmp_path / ".spool-1.html")
    assert [(item.name, item.content) for item in envelope.files] == [("page.html", tmp_path / ".spool-1.html")]
