"""Time linear in the input, and bounds on memory and workers (issue 22, classes 2 and 3).

Large inputs belong in bench/large.py (``make bench-large``); these tests prove linearity cheaply:
by an independent oracle on small inputs and a CPU-time ratio on inputs a few times apart (a linear
step takes about 4 times as long on 4 times the input, a quadratic one 16 times: the bound is 8,
with a floor for noise). What each case was: a Schematron rule counting every paragraph's
preceding siblings (40,000 paragraphs in one division: 45 s); lxml reading each attribute's value
again by its name (100,000 attributes on one element: validate and diff took minutes); the
plain-text wrapping of one long paragraph (tests/test_outputs_text.py).
"""

from __future__ import annotations

import random
import time
from pathlib import Path

from lxml import etree

from toolkit import diff, references, validate
from toolkit.kinds.edition import check_paragraph_numbers
from toolkit.xmlio import TEI_NS, attributes, parse_document
from validation_support import EDITION_MODEL

FIXTURES = Path(__file__).parent / "fixtures"
MINIMAL = FIXTURES / "validate" / "valid-minimal.xml"


def _linear(run, small: int, large: int) -> None:
    """``run(size)`` costs at most about large/small times as much CPU at ``large`` as at ``small``."""
    run(small)  # warm up: imports, compiled rules
    first = min(_cpu(run, small) for _ in range(3))
    second = min(_cpu(run, large) for _ in range(2))
    ratio = large / small
    assert second < 2 * ratio * first + 0.05, f"{small}: {first:.3f} s, {large}: {second:.3f} s of CPU"


def _cpu(run, size: int) -> float:
    started = time.process_time()
    run(size)
    return time.process_time() - started


# --------------------------------------------------------------------------- paragraph numbers

def _paragraphs(folder: Path, count: int, wrong: set[int] = frozenset()) -> Path:
    """The minimal document with ``count`` numbered paragraphs in its one division (``wrong``: off by one)."""
    text = MINIMAL.read_text(encoding="utf-8").replace("../../../tei/authority.xml", "authority.xml")
    lines = text.split("\n")
    first = next(i for i, line in enumerate(lines) if 'xml:id="fixture-p1"' in line)
    paragraphs = [f'        <p xml:id="fixture-p{k}" n="{k + 1 if k in wrong else k}">Paragraph {k}.</p>'
                  for k in range(1, count + 1)]
    path = folder / f"paragraphs-{count}.xml"
    # A document of the edition outside tei/ declares the edition's grammar, as the edition's own do.
    text = "\n".join(lines[:first] + paragraphs + lines[first + 2:]).replace("?>\n", "?>\n" + EDITION_MODEL + "\n", 1)
    path.write_text(text, encoding="utf-8")
    (folder / "authority.xml").write_bytes((Path(__file__).parent.parent / "tei" / "authority.xml").read_bytes())
    return path


def test_paragraph_numbers_agree_with_the_xpath_of_the_rule(tmp_path: Path) -> None:
    """The oracle: the Schematron rule's own XPath, count(preceding-sibling::tei:p) + 1, on every paragraph
    of varied documents (the telegram with numbers shuffled, paragraphs in letters and lists)."""
    telegram = parse_document(Path(__file__).parent.parent / "tei" / "frus1961-63v11-d256.xml")
    rng = random.Random(22)
    for _ in range(5):
        tree = etree.fromstring(etree.tostring(telegram.tree))
        for paragraph in tree.iter(f"{{{TEI_NS}}}p"):
            if paragraph.get("n") is not None and rng.random() < 0.3:
                paragraph.set("n", str(rng.randrange(1, 30)))
        path = tmp_path / "shuffled.xml"
        path.write_bytes(etree.tostring(tree))
        document = parse_document(path)
        found = {(p.line, p.message) for p in check_paragraph_numbers(document)}
        expected = set()
        for paragraph in document.root.xpath("//tei:text/tei:body//tei:p[@n]", namespaces={"tei": TEI_NS}):
            number = int(paragraph.xpath("count(preceding-sibling::tei:p)", namespaces={"tei": TEI_NS})) + 1
            if paragraph.get("n") != str(number):
                expected.add((document.problem(paragraph, "").line,
                              f'paragraph @n="{paragraph.get("n")}" is out of sequence: it is paragraph {number} '
                              "of its division"))
        assert found == expected and found


def test_paragraph_numbers_are_checked_in_linear_time(tmp_path: Path) -> None:
    def run(count: int) -> None:
        # The rule is the edition kind's: named, as a project file or --profile edition would name it.
        report = validate.validate_paths([_paragraphs(tmp_path, count, wrong={count // 2})], jobs=1,
                                         profile="edition")
        assert [problem.rule for problem in report.errors] == ["p-sequence"]

    _linear(run, 2_000, 8_000)


# --------------------------------------------------------------------------- many attributes

def test_attributes_reads_what_lxml_reads() -> None:
    for count in (0, 1, 16, 17, 200):
        element = etree.fromstring(
            '<p xmlns="urn:a" xmlns:x="urn:x" xml:id="i" ' + " ".join(f'{"x:" * (k % 2)}a{k}="v{k}"'
                                                                      for k in range(count)) + "/>")
        assert attributes(element) == element.items()


def _many_attributes(folder: Path, count: int) -> Path:
    text = (FIXTURES / "outputs" / "minimal.xml").read_text(encoding="utf-8")
    many = " ".join(f'x:a{k}="v{k}"' for k in range(count))
    path = folder / f"attributes-{count}.xml"
    path.write_text(text.replace("<p>Hello, world.</p>", f'<p xmlns:x="urn:x" {many}>Hello, world.</p>'),
                    encoding="utf-8")
    return path


def test_references_and_diff_are_linear_in_the_attributes_of_one_element(tmp_path: Path) -> None:
    """The steps that read every attribute's value (the grammar and the stylesheets were linear already)."""
    def run(count: int) -> None:
        path = _many_attributes(tmp_path, count)
        references.collect(parse_document(path))
        assert diff.diff_paths(path, path).exit_code == 0

    _linear(run, 3_000, 12_000)


# --------------------------------------------------------------------------- bounds

def test_jobs_never_exceed_the_cores_nor_the_memory(monkeypatch) -> None:
    from toolkit import pool

    assert pool.workers_for(10_000, 10**9) <= pool.cores()
    monkeypatch.setattr(pool, "available_memory", lambda: 3 * pool.WORKER_MEMORY + 1)
    monkeypatch.setattr(pool, "cores", lambda: 64)
    assert pool.job_limit() == 3 and pool.workers_for(10_000, 10**9) == 3
    monkeypatch.setattr(pool, "available_memory", lambda: pool.WORKER_MEMORY // 2)
    assert pool.job_limit() == 1 and pool.workers_for(10_000, 8) == 0  # one job: in this process
    monkeypatch.setattr(pool, "available_memory", lambda: None)  # not Linux: the cores decide
    assert pool.job_limit() == 64


def test_diff_rev_holds_the_old_version_to_max_size(tmp_path: Path) -> None:
    """The old version came from git with no limit (17 MB with --max-size 1M: 49 s and 2.9 GB): its size
    is asked of git first (git cat-file -s), and a version over the limit is refused, exit 2."""
    import shutil
    import subprocess

    from cli_support import teikit

    if shutil.which("git") is None:
        raise AssertionError("git is needed (it is installed wherever teikit diff --rev is used)")
    small = (FIXTURES / "corrections" / "add-persname" / "before.xml").read_text(encoding="utf-8")
    (tmp_path / "tei").mkdir()
    (tmp_path / "tei" / "doc.xml").write_text(small.replace("</TEI>", "<!-- " + "x" * 300_000 + " --></TEI>"))
    for command in (["init", "--quiet"], ["add", "."], ["-c", "user.name=t", "-c", "user.email=t@t", "commit",
                                                         "--quiet", "-m", "big"]):
        subprocess.run(["git", *command], cwd=tmp_path, check=True, capture_output=True)
    (tmp_path / "tei" / "doc.xml").write_text(small)
    run = teikit("diff", "--max-size", "100K", "--rev", "HEAD", "tei/doc.xml", cwd=tmp_path)
    assert run.returncode == 2, run.stdout + run.stderr
    assert "tei/doc.xml (HEAD): error: is larger than the limit of 102400 bytes (307454 bytes)" in run.stderr, run.stderr
    assert teikit("diff", "--max-size", "1M", "--rev", "HEAD", "tei/doc.xml", cwd=tmp_path).returncode in (0, 1)
