"""The benchmark corpus generator writes distinct, valid documents (no timing here)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from lxml import etree

from toolkit.paths import PROJECT_ROOT
from toolkit.validate import validate_paths
from toolkit.xmlio import TEI_NS, XML_NS

_spec = importlib.util.spec_from_file_location("bench_generate", PROJECT_ROOT / "bench" / "generate.py")
generate = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(generate)

XML_ID = f"{{{XML_NS}}}id"


def test_three_distinct_valid_documents(tmp_path: Path) -> None:
    paths = generate.generate(tmp_path / "corpus", 3)

    assert len(paths) == 3
    assert (tmp_path / "corpus" / "authority.xml").is_file()
    assert len({path.name for path in paths}) == 3
    assert len({path.read_bytes() for path in paths}) == 3

    trees = [etree.parse(str(path)) for path in paths]
    roots = [tree.getroot().get(XML_ID) for tree in trees]
    assert roots == [path.stem for path in paths]
    telegrams = [tree.findtext(f".//{{{TEI_NS}}}idno[@type='telegram']") for tree in trees]
    assert len(set(telegrams)) == 3 and "2477" not in telegrams
    ids = [set(tree.xpath("//@xml:id")) for tree in trees]
    assert not ids[0] & ids[1] and not ids[1] & ids[2] and not ids[0] & ids[2]

    report = validate_paths([tmp_path / "corpus"], jobs=1)
    assert len(report.documents) == 4  # the three variants and authority.xml
    assert not report.problems, [p.format() for p in report.problems]


def test_internal_pointers_follow_their_ids(tmp_path: Path) -> None:
    template = generate.Template()
    text = template.render(100_042)
    root = etree.fromstring(text.encode("utf-8"))
    ids = set(root.xpath("//@xml:id"))
    internal = [token for value in root.xpath("//@target | //@corresp | //@who | //@resp | //@ref")
                for token in value.split() if token.startswith("#")]
    assert internal, "the template has internal pointers"
    assert all(token[1:] in ids for token in internal)
    assert all(i.startswith(("d100042", "frus1961-63v11-d100042")) for i in ids)
