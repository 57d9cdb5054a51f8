"""The plain-text outputs: the diplomatic text is the source transcription, the
reading text applies the editors' expansions and corrections."""

from __future__ import annotations

from pathlib import Path

import pytest

from outputs_support import DOC_ID, build_edition, source_blocks, text_blocks


@pytest.fixture(scope="module")
def texts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    out = tmp_path_factory.mktemp("text")
    result = build_edition(out, formats=("text",))
    assert not result.errors, [problem.format() for problem in result.errors]
    folder = out / "text"
    return {view: (folder / f"{DOC_ID}.{view}.txt").read_bytes().decode("utf-8") for view in ("diplomatic", "reading")}


def test_diplomatic_text_reproduces_the_source_transcription(texts: dict[str, str]) -> None:
    assert text_blocks(texts["diplomatic"]) == source_blocks()


def test_diplomatic_text_keeps_abbreviations_and_errors(texts: dict[str, str]) -> None:
    text = " ".join(texts["diplomatic"].split())
    for written in ("Sovs stood adamantly", "we are gong to invade", "Kuzentsov mentioned", "Deputy FonMin",
                    "UN.(1) No progress"):
        assert written in text
    assert "Soviets stood" not in text and "going to invade" not in text


def test_reading_text_applies_expansions_and_corrections(texts: dict[str, str]) -> None:
    text = " ".join(texts["reading"].split())
    for read in ("Soviets stood adamantly", "we are going to invade", "Kuznetsov mentioned",
                 "Deputy Foreign Minister", "Secretary-General", "United Nations.(1) No progress"):
        assert read in text
    for written in ("Sovs ", " gong ", "Kuzentsov", "FonMin", " SYG "):
        assert written not in text


@pytest.mark.parametrize("view", ["diplomatic", "reading"])
def test_lines_are_wrapped_at_72_columns(texts: dict[str, str], view: str) -> None:
    lines = texts[view].splitlines()
    assert max(len(line) for line in lines) <= 72
    assert sum(1 for line in lines if len(line) > 60) > 20  # really wrapped, not one word a line
    assert texts[view].endswith("\n") and not texts[view].endswith("\n\n")


@pytest.mark.parametrize("view", ["diplomatic", "reading"])
def test_footnotes_and_source_note_come_at_the_end(texts: dict[str, str], view: str) -> None:
    blocks = text_blocks(texts[view])
    assert blocks[-2] == "1 See Document 253."
    assert blocks[-1].startswith("Source: Department of State, Central Files, 737.56361/12-2362.")
    assert "(1)" in blocks[2] and blocks[2].startswith("2477. Cuba.")


def test_text_files_are_utf8_without_bom(tmp_path: Path) -> None:
    result = build_edition(tmp_path, formats=("text",), validate=False)
    for path in result.written:
        data = path.read_bytes()
        assert not data.startswith(b"\xef\xbb\xbf")
        data.decode("utf-8")


def _wrapper():
    """A stylesheet that wraps each ``<case width="N">`` of its input with t:wrap, joined by "|"."""
    from toolkit import transform
    from toolkit.paths import XSLT_DIR

    saxon = transform._saxon()
    stylesheet = saxon.compiler.compile_stylesheet(stylesheet_text=f"""
      <xsl:stylesheet version="3.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
          xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:t="urn:telegram2477:xslt">
        <xsl:include href="{(XSLT_DIR / 'common.xsl').as_uri()}"/>
        <xsl:output method="text"/>
        <xsl:template match="/" as="xs:string">
          <xsl:sequence select="string-join(//case ! t:wrap(string(.), xs:integer(@width)), '|')"/>
        </xsl:template>
      </xsl:stylesheet>""")

    def wrap(cases: list[tuple[str, int]]) -> list[str]:
        document = "<cases>" + "".join(f'<case width="{width}">{text}</case>' for text, width in cases) + "</cases>"
        return stylesheet.transform_to_string(xdm_node=saxon.builder.parse_xml(xml_text=document)).split("|")

    return wrap


def _textwrap(text: str, width: int) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(" ".join(text.split()), width, break_long_words=False, break_on_hyphens=False))


def test_wrapping_fills_lines_greedily_as_textwrap_does() -> None:
    """t:wrap (common.xsl) against Python's textwrap on varied text: each line the
    longest run of words within the width; a longer word alone on its line."""
    import random

    rng = random.Random(2477)
    words = ["a", "an", "the", "Kuznetsov", "McCloy", "Secretary-General", "x" * 75, "ab" * 20, "é", "—", "𝄞"]
    cases = [(" ".join(rng.choice(words) for _ in range(rng.randrange(0, 60))), width)
             for width in (1, 5, 20, 72) for _ in range(12)]
    cases += [("a" * 72, 72), ("a" * 72 + " b", 72), ("a" * 71 + " b", 73), ("  spaced   out  ", 72),
              ("a" * 73, 72), ("b " + "a" * 300 + " c", 72), ("a" * 300, 72), ("", 72), (" ", 72)]
    assert _wrapper()(cases) == [_textwrap(text, width) for text, width in cases]


def test_wrapping_is_linear_in_the_length_of_the_text() -> None:
    """One long paragraph (or title) is wrapped in time linear in its length (issue 22: a 2 MB paragraph
    took 326 s and 6 GB, the rest of the text copied for every line): 4 times the text, at most about
    4 times the CPU time (quadratic would be 16), lines as textwrap makes them; words longer than a
    line too, and one word as long as the text."""
    import random
    import time

    rng = random.Random(22)
    wrap = _wrapper()
    wrap([("warm up", 72)])
    vocabulary = ["alpha", "be", "gamma", "x", "epsilonic", "y" * 90]

    def timed(size: int) -> float:
        text = " ".join(rng.choice(vocabulary) for _ in range(size // 7))
        cases = [(text, 72), ("z" * size, 72)]
        started = time.process_time()
        wrapped = wrap(cases)
        elapsed = time.process_time() - started
        assert wrapped == [_textwrap(text, width) for text, width in cases]
        return elapsed

    small, large = min(timed(50_000) for _ in range(3)), min(timed(200_000) for _ in range(2))
    assert large < 8 * small + 0.05, (small, large)
