"""An output format is one entry (toolkit/formats.py): a format made of bytes, added
from outside the toolkit (its module in a temporary folder, its entry registered
here), is built into OUT/NAME/ by the ordinary build, with nothing else edited."""

from __future__ import annotations

import base64
import datetime
import io
import zipfile
from pathlib import Path

import pytest

from toolkit import build, formats, transform
from toolkit.cli import main
from toolkit.errors import EXIT_OK
from toolkit.xmlio import parse_document

FIXTURES = Path(__file__).parent / "fixtures" / "outputs"
EDITION = FIXTURES / "edition" / "frus1961-63v11-d256.xml"
# Bytes no text encoding would give back unchanged: a NUL, a lone 0xFF, a byte-order mark.
PAYLOAD = b"\x00\xff\xfe\xef\xbb\xbfbytes"

# The toy format's module: per document a text part and a part of bytes (base64 in the envelope).
TOY_MODULE = f"""<?xml version="1.0" encoding="UTF-8"?>
<xsl:stylesheet version="3.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:t="urn:telegram2477:xslt"
  xpath-default-namespace="http://www.tei-c.org/ns/1.0" exclude-result-prefixes="#all">
  <xsl:function name="t:toy-files" as="element(t:file)+">
    <xsl:param name="root" as="document-node()"/>
    <xsl:sequence select="t:file('toy', t:doc-id($root) || '.title.txt', t:title($root)),
      t:file('toy', t:doc-id($root) || '.bin', '{base64.b64encode(PAYLOAD).decode()}', 'base64')"/>
  </xsl:function>
</xsl:stylesheet>
"""


def zip_parts(parts: list[formats.OutputFile]) -> list[formats.OutputFile]:
    """The toy format's Python step: its parts in one zip (as an EPUB would be made)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for part in parts:
            archive.writestr(part.name, part.content)
    stem = parts[0].name.split(".", 1)[0]
    return [formats.OutputFile("toy", f"{stem}.zip", buffer.getvalue())]


@pytest.fixture
def toy(tmp_path: Path):
    module = tmp_path / "toy-files.xsl"
    module.write_text(TOY_MODULE, encoding="utf-8")
    added = formats.register(formats.Format("toy", "a zip of the title and some bytes", (module,), "toy-files",
                                            binary=True, assemble=zip_parts))
    yield added
    formats.unregister("toy")


def test_a_bytes_format_is_one_entry(toy: formats.Format, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = build.build([EDITION], out, ("toy", "text"), validate=False, access_date=datetime.date(2025, 1, 15))
    assert not result.problems and result.formats == ("text", "toy")
    with zipfile.ZipFile(out / "toy" / "frus1961-63v11-d256.zip") as archive:
        assert archive.read("frus1961-63v11-d256.bin") == PAYLOAD
        title = archive.read("frus1961-63v11-d256.title.txt").decode("utf-8")
    # The same title the HTML page gives: the format reads the document through the shared modules.
    page = transform.transform(parse_document(EDITION), ("html",)).files[0].content
    assert title and f"<title>{title}" in page
    assert sorted(path.name for path in (out / "text").iterdir()) == [
        "frus1961-63v11-d256.diplomatic.txt", "frus1961-63v11-d256.reading.txt"]


def test_the_command_line_offers_a_registered_format(toy: formats.Format, tmp_path: Path) -> None:
    code = main(["build", "--no-validate", "--format", "toy", "--out", str(tmp_path / "out"), str(EDITION)])
    assert code == EXIT_OK
    assert [path.name for path in (tmp_path / "out").iterdir() if not path.name.startswith(".")] == ["toy"]


def test_unregistered_the_format_is_unknown(tmp_path: Path) -> None:
    with pytest.raises(Exception, match='unknown output format "toy"'):
        build.parse_formats("toy")


# A format module whose files the envelope's checks refuse (toolkit/transform.py, split_envelope): each
# case's t:file call, and what the build says about it.
BAD_FILES = {
    "a path out of the folder": ("t:file('bad', '../escape.txt', 'x')", 'named an output file "../escape.txt"'),
    "a hidden file": ("t:file('bad', '.hidden', 'x')", 'named an output file ".hidden"'),
    "a name made twice": ("t:file('bad', 'twice.txt', 'a'), t:file('bad', 'twice.txt', 'b')",
                          'named an output file "twice.txt"'),
    "a file for another output": ("t:file('nowhere', 'x.txt', 'x')", 'unknown output "nowhere"'),
    "an unknown encoding": ("t:file('bad', 'x.bin', 'eA==', 'rot13')", 'unknown encoding "rot13"'),
    "base64 that does not decode": ("t:file('bad', 'x.bin', 'a', 'base64')", 'the file "x.bin" in base64'),
}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_a_format_s_bad_file_fails_its_document(case: str, tmp_path: Path) -> None:
    call, message = BAD_FILES[case]
    module = tmp_path / "bad-files.xsl"
    module.write_text(TOY_MODULE.replace("t:toy-files", "t:bad-files").replace(
        TOY_MODULE[TOY_MODULE.index("<xsl:sequence"):TOY_MODULE.index("</xsl:function>")],
        f'<xsl:sequence select="{call}"/>\n  '), encoding="utf-8")
    formats.register(formats.Format("bad", "files the build refuses", (module,), "bad-files"))
    try:
        result = build.build([EDITION], tmp_path / "out", ("bad",), validate=False)
    finally:
        formats.unregister("bad")
    assert [problem.message for problem in result.problems if message in problem.message], \
        [problem.format() for problem in result.problems]
    assert not (tmp_path / "out" / "bad").exists() and not (tmp_path / "escape.txt").exists()


# Two formats failing at different lines of one module: Saxon's diagnostics (its stderr, captured in
# one sink a process, toolkit/transform.py _stderr_captured) name where each failed, and a failure
# never carries an earlier one's place.
FAILING_MODULE = """<?xml version="1.0" encoding="UTF-8"?>
<xsl:stylesheet version="3.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:t="urn:telegram2477:xslt" exclude-result-prefixes="#all">
  <xsl:function name="t:first-files" as="element(t:file)*">
    <xsl:param name="root" as="document-node()"/>
    <xsl:sequence select="error(xs:QName('t:first'), 'the first failure')"/>
  </xsl:function>
  <xsl:function name="t:second-files" as="element(t:file)*">
    <xsl:param name="root" as="document-node()"/>
    <xsl:sequence select="error(xs:QName('t:second'), 'the second failure')"/>
  </xsl:function>
</xsl:stylesheet>
"""


def test_each_failure_names_its_own_place(tmp_path: Path) -> None:
    module = tmp_path / "failing-files.xsl"
    module.write_text(FAILING_MODULE, encoding="utf-8")
    for name in ("first", "second"):
        formats.register(formats.Format(name, f"fails: {name}", (module,), f"{name}-files"))
    document = parse_document(EDITION)
    said = []
    try:
        for name in ("first", "second", "first"):
            with pytest.raises(transform.TransformError) as failed:
                transform.transform(document, (name,))
            said.append(failed.value.message)
    finally:
        formats.unregister("first")
        formats.unregister("second")
    assert "the first failure" in said[0] and "line 6 " in said[0] and "failing-files.xsl" in said[0]
    assert "the second failure" in said[1] and "line 10 " in said[1] and "line 6 " not in said[1]
    assert said[2] == said[0]
