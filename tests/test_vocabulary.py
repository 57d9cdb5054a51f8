"""One vocabulary: toolkit/vocabulary.py, the stylesheets and the grammar name the same sets.

The stylesheets hold the name elements as a variable in xslt/common.xsl and
in the match patterns of the templates that give them meaning; the grammar
says which attributes hold pointers. Each is read here from the file itself.
The reading's vocabulary is one file, xslt/reading.json, that both read
(tests/test_reading.py runs its cases against both).
"""

from __future__ import annotations

import re
from pathlib import Path

from lxml import etree

from toolkit import diplomatic, lint, references, vocabulary
from toolkit.kinds import frus
from toolkit.paths import READING_VOCABULARY, RELAXNG_SCHEMA, XSLT_DIR

XSL = "{http://www.w3.org/1999/XSL/Transform}"
RNG = "{http://relaxng.org/ns/structure/1.0}"
COMMON = etree.parse(str(XSLT_DIR / "common.xsl"))


def _string_sequence(name: str) -> set[str]:
    variable = COMMON.find(f"{XSL}variable[@name='{name}']")
    assert variable is not None, f"xslt/common.xsl has no variable {name}"
    select = variable.get("select")
    assert re.fullmatch(r"\(\s*'[^']*'(\s*,\s*'[^']*')*\s*\)", select), f"{name}: not a list of names: {select}"
    return set(re.findall(r"'([^']*)'", select))


def _templates_matching(mode: str) -> list[set[str]]:
    """The names each template of ``mode`` matches, for patterns that are plain unions of names."""
    found = []
    for path in sorted(XSLT_DIR.glob("*.xsl")):
        for template in etree.parse(str(path)).iter(f"{XSL}template"):
            match, modes = template.get("match", ""), (template.get("mode") or "").split()
            if mode in modes and re.fullmatch(r"\w+(\s*\|\s*\w+)*", match):
                found.append({name.strip() for name in match.split("|")})
    return found


def test_the_stylesheets_read_the_reading_vocabulary_from_the_one_file() -> None:
    variable = COMMON.find(f"{XSL}variable[@name='t:reading-vocabulary']")
    assert variable is not None and variable.get("select") == f"json-doc('{READING_VOCABULARY.name}')"
    assert variable.get("static") == "yes"  # read when the stylesheet is compiled: its sets become match patterns
    shadow = {template.get("_match") for template in COMMON.iter(f"{XSL}template") if template.get("mode") == "t:read"}
    for key in ("not-text", "editorial", "apart", "structural", "break"):
        assert any(f"{{$t:{key}-pattern}}" in (match or "") for match in shadow), key
    assert READING_VOCABULARY.parent == XSLT_DIR  # resolved against common.xsl's own address
    for name, key in (("t:editorial-forms", "editorial"), ("t:source-forms", "source")):
        assert COMMON.find(f"{XSL}variable[@name='{name}']").get("select") == f"$t:reading-vocabulary?{key}?*"
    # No stylesheet keeps a list of its own: no template of the reading names an element of it.
    named = vocabulary.BLOCK_ELEMENTS | vocabulary.EDITORIAL_FORMS | vocabulary.SOURCE_FORMS | vocabulary.WORD_BREAKS
    assert not [names for names in _templates_matching("t:read") if names & named]
    # The HTML shows the editors' forms apart from the source's (it never mixes them in one template).
    showing = [names for names in _templates_matching("t:inline") if names & vocabulary.EDITORIAL_FORMS]
    assert showing and not any(names & vocabulary.SOURCE_FORMS for names in showing)


def test_the_stylesheets_name_the_elements_that_point_to_records() -> None:
    assert _string_sequence("t:name-elements") == vocabulary.REFERRING_ELEMENTS
    linking = [names for names in _templates_matching("t:inline") if names & vocabulary.NAME_ELEMENTS]
    assert linking == [set(vocabulary.REFERRING_ELEMENTS)]


def test_every_pointer_the_grammar_allows_is_resolved() -> None:
    grammar = etree.parse(str(RELAXNG_SCHEMA))
    pointer_types = {"data.pointer", "data.pointers"}
    defines = {d.get("name"): d for d in grammar.iter(f"{RNG}define")}
    # att.* defines that wrap a pointer attribute count too (att.ref = attribute ref { data.pointers }).
    pointers = set()
    for attribute in grammar.iter(f"{RNG}attribute"):
        if any(ref.get("name") in pointer_types for ref in attribute.iter(f"{RNG}ref")):
            pointers.add(attribute.get("name").split(":")[-1])
    assert pointers and defines
    assert pointers <= set(vocabulary.POINTER_ATTRIBUTES), pointers - set(vocabulary.POINTER_ATTRIBUTES)


def test_python_reads_the_vocabulary_from_one_place() -> None:
    assert references.POINTER_ATTRIBUTES is vocabulary.POINTER_ATTRIBUTES
    assert frus.POINTER_ATTRIBUTES is vocabulary.POINTER_ATTRIBUTES
    assert lint.POINTER_ATTRIBUTES is vocabulary.POINTER_ATTRIBUTES
    assert diplomatic.EDITORIAL_FORMS is vocabulary.EDITORIAL_FORMS and diplomatic.BLOCK_ELEMENTS is vocabulary.BLOCK_ELEMENTS
    assert lint.NAME_ELEMENTS is vocabulary.NAME_ELEMENTS
    assert {kind for kinds in references.EXPECTED_KIND.values() for kind in kinds} == set(vocabulary.NAME_FOR_RECORD)
