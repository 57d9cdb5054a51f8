"""Helpers for the output tests (tests/test_outputs_*.py).

Every test builds into its own temporary folder with a fixed access date and
edition URL, so builds are reproducible, golden files stay stable and tests can
run in parallel (pytest -n auto).

The stylesheets are tested on a frozen copy of the edition,
tests/fixtures/outputs/edition/ (the telegram and its authority file as they
stood when the tests were written), never on the live tei/: a markup correction
under tei/ changes no file under tests/. The live edition is checked by
properties instead (tests/test_edition.py).
"""

from __future__ import annotations

import datetime
import difflib
import gzip
import json
import os
import re
from pathlib import Path

import lxml.html
from lxml import etree

from toolkit import build
from toolkit.paths import PROJECT_ROOT, TEI_DIR

DOC_ID = "frus1961-63v11-d256"
FIXTURES = PROJECT_ROOT / "tests" / "fixtures" / "outputs"
#: The frozen copy of the edition the output tests and goldens use.
FROZEN_EDITION_DIR = FIXTURES / "edition"
EDITION = FROZEN_EDITION_DIR / f"{DOC_ID}.xml"
#: The live edition, checked by properties only.
LIVE_EDITION = TEI_DIR / f"{DOC_ID}.xml"
#: The source transcription is never edited: both copies read it.
SOURCE = TEI_DIR / "sources" / "msc_cuba256.txt"
#: Excerpts of real FRUS volumes and a teiCorpus (tests/fixtures/frus/README.md).
FRUS_FIXTURES = PROJECT_ROOT / "tests" / "fixtures" / "frus"
FRUS_VOLUME = FRUS_FIXTURES / "frus1961-63v06-excerpt.xml"
FRUS_VOLUME_V = FRUS_FIXTURES / "frus1961-63v05-excerpt.xml"
FRUS_SUPPLEMENT = FRUS_FIXTURES / "frus1961-63v10-12mSupp-excerpt.xml"
FRUS_CORPUS = FRUS_FIXTURES / "corpus.xml"
GOLDEN = PROJECT_ROOT / "tests" / "golden"
ACTUAL = PROJECT_ROOT / "tests" / "actual"

#: The fixed parameters every test build uses (golden files depend on them).
ACCESS_DATE = datetime.date(2025, 1, 15)
EDITION_URL = "https://telegram2477.github.io/edition/"


def output_text(path: Path) -> str:
    """An output file's text, as a reader of it gets it: the search index's compressed files
    (html/pagefind/: gzip) decompressed, so that a check of every output sees their words too."""
    data = path.read_bytes()
    if data[:2] == b"\x1f\x8b":
        import gzip

        data = gzip.decompress(data)
    return data.decode("utf-8", errors="replace")


def build_edition(out_dir: Path, paths: list[Path] | None = None, **options) -> build.BuildResult:
    """Build (default: the edition document with validation) into ``out_dir``."""
    options.setdefault("access_date", ACCESS_DATE)
    options.setdefault("edition_url", EDITION_URL)
    options.setdefault("jobs", 1)
    return build.build(paths if paths is not None else [EDITION], out_dir, **options)


def search_fragments(site: Path) -> dict[str, dict]:
    """Every page in a build's search index, every shard's (html/pagefind/ and html/pagefind/shards/*/), by
    its address under html/: Pagefind stores each as a "fragment", gzip of ``pagefind_dcd`` and a JSON
    record (url, content, filters, meta, anchors)."""
    records = {}
    index = site / "html" / "pagefind"
    for path in [*(index / "fragment").iterdir(), *index.glob("shards/*/fragment/*")]:
        data = gzip.decompress(path.read_bytes())
        assert data.startswith(b"pagefind_dcd")
        record = json.loads(data[len(b"pagefind_dcd"):])
        records[record["url"]] = record
    return records


def search_entries(site: Path) -> dict[str, dict]:
    """Each shard's ``pagefind-entry.json`` in a build's search index, by the shard's folder in html/pagefind/."""
    index = site / "html" / "pagefind"
    return {path.parent.relative_to(index).as_posix(): json.loads(path.read_text(encoding="utf-8"))
            for path in [index / "pagefind-entry.json", *index.glob("shards/*/pagefind-entry.json")]}


def search_page_count(site: Path) -> int:
    """The pages a build's search index holds, by what its shards' entries count."""
    return sum(language["page_count"] for entry in search_entries(site).values()
               for language in entry["languages"].values())


# ---------------------------------------------------------------------------
# HTML compared by structure
# ---------------------------------------------------------------------------

def _norm(text: str | None) -> str:
    return " ".join((text or "").split())


def html_structure(markup: str) -> list[str]:
    """The element tree as lines, one per element and non-blank text: attributes
    sorted, whitespace normalised, whitespace-only text ignored. Two pages with
    the same lines are the same page whatever their indentation."""
    root = lxml.html.document_fromstring(markup)
    lines: list[str] = []

    def walk(element: etree._Element, depth: int) -> None:
        indent = "  " * depth
        if not isinstance(element.tag, str):  # comments
            return
        attributes = " ".join(f'{name}="{_norm(value)}"' for name, value in sorted(element.attrib.items()))
        lines.append(f"{indent}<{element.tag}{' ' + attributes if attributes else ''}>")
        if _norm(element.text):
            lines.append(f"{indent}  {_norm(element.text)!r}")
        for child in element:
            walk(child, depth + 1)
            if _norm(child.tail):
                lines.append(f"{indent}  {_norm(child.tail)!r}")

    walk(root, 0)
    return lines


# ---------------------------------------------------------------------------
# Golden files
# ---------------------------------------------------------------------------

def updating_goldens() -> bool:
    return os.environ.get("UPDATE_GOLDEN", "") not in ("", "0")


def check_golden(relative: str, actual: str) -> None:
    """Compare an output with tests/golden/<relative>; HTML by structure, text exactly.

    ``make golden`` (UPDATE_GOLDEN=1) rewrites the golden file instead. On a
    mismatch the actual output is saved to tests/actual/<relative>.
    """
    golden = GOLDEN / relative
    if updating_goldens():
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(actual, encoding="utf-8")
        return
    assert golden.is_file(), f"no golden file {golden.relative_to(PROJECT_ROOT)}: run `make golden`"
    expected = golden.read_text(encoding="utf-8")
    if relative.endswith(".html"):
        want, got = html_structure(expected), html_structure(actual)
    else:
        want, got = expected.splitlines(), actual.splitlines()
    if want == got:
        return
    saved = ACTUAL / relative
    saved.parent.mkdir(parents=True, exist_ok=True)
    saved.write_text(actual, encoding="utf-8")
    diff = "\n".join(list(difflib.unified_diff(want, got, "golden", "actual", lineterm="", n=2))[:60])
    raise AssertionError(
        f"{relative} differs from its golden file; the actual output is in {saved.relative_to(PROJECT_ROOT)}.\n"
        f"If the change is intended, run `make golden` and review the diff.\n{diff}")


# ---------------------------------------------------------------------------
# The source transcription as blocks
# ---------------------------------------------------------------------------

def text_blocks(text: str) -> list[str]:
    """Blocks separated by blank lines, each unwrapped and whitespace-normalised."""
    return [_norm(block) for block in re.split(r"\n[ \t]*\n", text) if block.strip()]


def source_blocks() -> list[str]:
    """The transcription's document blocks, without the web page's own text: the
    collection name (line 1), the "Back" link after the footnote and the footer."""
    blocks = text_blocks(SOURCE.read_text(encoding="ascii"))
    first = blocks[0]
    assert first.startswith("The Cuban Missile Crisis ")
    blocks[0] = first.removeprefix("The Cuban Missile Crisis ").strip()
    assert blocks[-1] == "127 Wall Street, New Haven, CT 06511."
    blocks = blocks[:-1]
    return [block.removesuffix(" Back") if block.endswith(" Back") else block for block in blocks]
