"""Golden-file tests: every output of the frozen copy of the edition
(tests/fixtures/outputs/edition/, not the live tei/), of the minimal generic
document and of one document of a FRUS volume (tests/fixtures/frus/), equals its reviewed copy under tests/golden/. They pin the
stylesheets: a markup correction under tei/ never changes them.

HTML is compared by structure (lxml.html, whitespace-insensitive), everything
else line by line. After an intended change of the stylesheets run
`make golden`, review `git diff tests/golden`, and commit.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from outputs_support import DOC_ID, FIXTURES, FRUS_VOLUME, build_edition, check_golden

EDITION_OUTPUTS = [
    f"html/{DOC_ID}.html",
    "html/index.html",
    "html/search/index.html",
    f"text/{DOC_ID}.diplomatic.txt",
    f"text/{DOC_ID}.reading.txt",
    f"cite/{DOC_ID}.txt",
    f"cite/{DOC_ID}.html",
    f"cite/{DOC_ID}.passages.txt",
    f"cite/{DOC_ID}.bib",
    f"cite/{DOC_ID}.ris",
    f"cite/{DOC_ID}.json",
]
#: The site-wide pages of every build (registers, chronology, their report): tests/test_library.py checks them.
LIBRARY_OUTPUTS = ("html/persons/", "html/places/", "html/organisations/", "html/chronology/", "registers-report.txt")
MINIMAL_OUTPUTS = [
    "html/minimal.html",
    "text/minimal.diplomatic.txt",
    "text/minimal.reading.txt",
    "cite/minimal.txt",
    "cite/minimal.bib",
    "cite/minimal.ris",
    "cite/minimal.json",
]
#: One document of a FRUS volume (volume VI, document 67: the President's
#: letter of October 27, 1962), published in the volume's folder.
FRUS_OUTPUTS = [
    "html/frus1961-63v06/d67.html",
    "text/frus1961-63v06/d67.reading.txt",
    "text/frus1961-63v06/d67.diplomatic.txt",
    "cite/frus1961-63v06/d67.txt",
    "cite/frus1961-63v06/d67.bib",
]


@pytest.fixture(scope="module")
def edition(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("edition")
    result = build_edition(out)
    assert not result.errors, [problem.format() for problem in result.errors]
    return out


@pytest.fixture(scope="module")
def minimal(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("minimal")
    result = build_edition(out, [FIXTURES / "minimal.xml"], validate=False)
    assert not result.errors, [problem.format() for problem in result.errors]
    return out


def test_every_edition_output_has_a_golden_file(edition: Path) -> None:
    # The page assets are copies of xslt/, the search index (html/pagefind/) is Pagefind's (tests/test_search.py).
    built = sorted(str(path.relative_to(edition)) for path in edition.rglob("*") if path.is_file()
                   and path.name not in ("edition.css", "edition.js", "search.js")
                   and not any(part.startswith(".teikit-") for part in path.relative_to(edition).parts)
                   and "pagefind" not in path.relative_to(edition).parts
                   and not str(path.relative_to(edition)).startswith(LIBRARY_OUTPUTS))
    assert built == sorted(EDITION_OUTPUTS)


@pytest.mark.parametrize("relative", EDITION_OUTPUTS)
def test_edition_output_matches_golden(edition: Path, relative: str) -> None:
    check_golden(relative, (edition / relative).read_text(encoding="utf-8"))


@pytest.mark.parametrize("relative", MINIMAL_OUTPUTS)
def test_minimal_output_matches_golden(minimal: Path, relative: str) -> None:
    check_golden(relative, (minimal / relative).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def frus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("frus")
    result = build_edition(out, [FRUS_VOLUME], validate=False)
    assert not result.errors, [problem.format() for problem in result.errors]
    return out


@pytest.mark.parametrize("relative", FRUS_OUTPUTS)
def test_frus_output_matches_golden(frus: Path, relative: str) -> None:
    check_golden(relative, (frus / relative).read_text(encoding="utf-8"))
