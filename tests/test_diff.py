"""``teikit diff``: real markup corrections leave the source text alone, and the diff says so.

Each folder under tests/fixtures/corrections/ is one correction made on a
cut-down copy of the edition: before.xml, after.xml and expected.json (the exit
code, how many text and markup changes, and lines the report must contain). The
tests are data: one parametrised test reads every case.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from toolkit import diff
from toolkit.paths import PROJECT_ROOT
from toolkit.xmlio import parse_bytes
from cli_support import teikit


CORRECTIONS = Path(__file__).parent / "fixtures" / "corrections"
CASES = sorted(path.name for path in CORRECTIONS.iterdir() if (path / "expected.json").is_file())


def _expected(case: str) -> dict:
    return json.loads((CORRECTIONS / case / "expected.json").read_text(encoding="utf-8"))


def test_the_cases_are_there() -> None:
    assert len(CASES) >= 8
    for case in CASES:
        assert (CORRECTIONS / case / "before.xml").is_file() and (CORRECTIONS / case / "after.xml").is_file()


@pytest.mark.parametrize("case", CASES)
def test_correction_is_reported_as_recorded(case: str) -> None:
    expected = _expected(case)["diff"]
    result = diff.diff_paths(CORRECTIONS / case / "before.xml", CORRECTIONS / case / "after.xml")
    report = result.format()
    assert result.exit_code == expected["exit"], report
    assert len(result.text_changes) == expected["text_changes"], report
    assert len(result.markup_changes) == expected["markup_changes"], report
    for line in expected["lines"]:
        assert line in report, f"{case}: expected {line!r} in:\n{report}"


@pytest.mark.parametrize("case", CASES)
def test_a_document_compared_with_itself_has_no_changes(case: str) -> None:
    path = CORRECTIONS / case / "after.xml"
    result = diff.diff_paths(path, path)
    assert (result.exit_code, result.text_changes, result.markup_changes, result.header_changes) == (0, [], [], [])
    assert "ok: no changes" in result.format()


def test_the_reverse_of_a_correction_removes_what_it_added() -> None:
    case = CORRECTIONS / "add-persname"
    result = diff.diff_paths(case / "after.xml", case / "before.xml")
    assert [change.op for change in result.markup_changes] == ["-"]
    assert result.markup_changes[0].format().startswith('- persName ref="../authority.xml#zorin" around "Zorin" in ¶16')
    assert result.missing_revision_entry  # the entry went away with it: no new one


def _document(body: str, changes: str = '<change when="2026-01-01">First.</change>'):
    text = f"""<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc><titleStmt><title>T</title></titleStmt>
<publicationStmt><p>P</p></publicationStmt><sourceDesc><p>S</p></sourceDesc></fileDesc>
<revisionDesc>{changes}</revisionDesc></teiHeader><text><body>{body}</body></text></TEI>"""
    return parse_bytes(Path("/tmp/doc.xml"), text.encode())


NEW_ENTRY = '<change when="2026-01-01">First.</change><change when="2026-02-01">Second.</change>'


def test_a_new_paragraph_is_a_text_change_shown_at_the_block_break() -> None:
    old = _document('<p n="1">No progress.</p><p n="2">Zorin announced.</p>')
    new = _document('<p n="1">No progress.</p><p n="9">New para.</p><p n="2">Zorin announced.</p>', NEW_ENTRY)
    result = diff.diff_documents(old, new)
    assert result.exit_code == 1
    # The change is placed where its first word is: the new paragraph.
    assert [change.format() for change in result.text_changes] == ["¶9 (line 3:171): No progress.{+ ¶ New para.+}"]
    assert new.lines[2][170:178] == "New para"
    assert [change.format() for change in result.markup_changes] == ['+ p n="9" around "New para." in ¶9 (line 3)']


def test_a_moved_tag_boundary_is_an_extent_change() -> None:
    old = _document('<p n="1">Letters of <persName ref="#k">N.S. Khrushchev</persName>.</p>')
    new = _document('<p n="1">Letters of N.S. <persName ref="#k">Khrushchev</persName>.</p>', NEW_ENTRY)
    result = diff.diff_documents(old, new)
    assert result.exit_code == 0
    assert [change.format() for change in result.markup_changes] == [
        '~ persName extent: "N.S. Khrushchev" -> "Khrushchev" on "Khrushchev" in ¶1 (line 3)']


def test_moved_elements_pair_as_trying_every_pair_would() -> None:
    """Which removed element an added one pairs with (same name and attributes, overlapping text) is found
    through groups sorted by position, not by trying every pair: the pairs are those of the plain
    search (the oracle here), on nested and disjoint elements of a few names, in shuffled order."""
    import random

    class Carried:  # offsets are the same in both versions
        @staticmethod
        def carry(offset: int, *, end: bool) -> int:
            return offset

    def element(rng: random.Random) -> diff._Element:
        start = rng.randrange(0, 200)
        return diff._Element(None, rng.choice(["hi", "name"]), {"rend": rng.choice(["a", "b"])} if rng.random() < 0.5
                             else {}, start, start + rng.choice([0, 1, 3, 10, 80]))

    def every_pair(added: list, removed: list) -> list:
        removed, pairs = list(removed), []
        for record in added:
            for gone in removed:
                if (gone.tag == record.tag and gone.attributes == record.attributes
                        and gone.start < record.end and record.start < gone.end):
                    removed.remove(gone)
                    pairs.append((gone, record))
                    break
        return pairs

    rng = random.Random(2477)
    for _ in range(200):
        added = [element(rng) for _ in range(rng.randrange(0, 30))]
        removed = [element(rng) for _ in range(rng.randrange(0, 30))]
        assert diff._moved(added, removed, Carried()) == every_pair(added, removed)


def test_the_same_words_at_a_shifted_offset_are_no_extent_change() -> None:
    """Spaces lost around a name shift its offsets, not its words: the text change
    is reported, and no "extent: "McCloy" -> "McCloy"" beside it."""
    old = _document('<p n="1">Met <persName ref="#m">McCloy</persName> today.</p>')
    new = _document('<p n="1">Met<persName ref="#m">McCloy</persName>today.</p>', NEW_ENTRY)
    result = diff.diff_documents(old, new)
    assert result.text_changes and result.markup_changes == []


def test_spaces_around_markup_count_as_text() -> None:
    old = _document('<p n="1"><persName>Zorin</persName>, Kuznetsov</p>')
    new = _document('<p n="1"><persName>Zorin</persName> , Kuznetsov</p>', NEW_ENTRY)
    result = diff.diff_documents(old, new)
    assert result.exit_code == 1
    assert result.text_changes[0].new == " "


def test_notes_are_compared_as_their_own_blocks() -> None:
    old = _document('<p n="1">To UN.<note n="1">See Document 253.</note> No progress.</p>')
    new = _document('<p n="1">To UN.<note n="1">See Document 254.</note> No progress.</p>', NEW_ENTRY)
    result = diff.diff_documents(old, new)
    assert [(change.block, change.old, change.new) for change in result.text_changes] == [("note 1", "253", "254")]


def test_header_changes_are_listed_but_need_no_entry() -> None:
    old = _document('<p n="1">Text.</p>')
    new = _document('<p n="1">Text.</p>')
    new.root.find(".//{http://www.tei-c.org/ns/1.0}title").text = "A better title"
    result = diff.diff_documents(old, new)
    assert result.exit_code == 0
    assert [change.format() for change in result.header_changes] == [
        '~ teiHeader/fileDesc/titleStmt/title: "T" -> "A better title"']


def test_json_output_has_every_part() -> None:
    case = CORRECTIONS / "word-changed"
    data = diff.diff_paths(case / "before.xml", case / "after.xml").as_dict()
    assert data["text_changed"] is True and data["exit_code"] == 1
    assert data["text_changes"][0]["old"] == "Kuzentsov" and data["text_changes"][0]["new"] == "Kuznetsov"
    assert data["text_changes"][0]["line"] == 66
    assert {change["element"] for change in data["markup_changes"]} == {"choice", "sic", "corr"}


# --------------------------------------------------------------------------- the command line


@pytest.mark.parametrize(("case", "code"), [("add-persname", 0), ("word-changed", 1), ("missing-change-entry", 1)])
def test_cli_exit_codes(case: str, code: int) -> None:
    result = teikit("diff", str(CORRECTIONS / case / "before.xml"), str(CORRECTIONS / case / "after.xml"))
    assert result.returncode == code, result.stdout + result.stderr


def test_cli_json() -> None:
    case = CORRECTIONS / "word-changed"
    result = teikit("diff", "--format", "json", str(case / "before.xml"), str(case / "after.xml"))
    data = json.loads(result.stdout)
    assert result.returncode == 1 and data["exit_code"] == 1
    assert data["documents"][0]["text_changes"][0]["old"] == "Kuzentsov"


@pytest.mark.parametrize("arguments", [
    ["diff"],
    ["diff", "only-one.xml"],
    ["diff", "a.xml", "b.xml", "c.xml"],
    ["diff", "missing-old.xml", "missing-new.xml"],
    ["diff", "--format", "yaml", "a.xml", "b.xml"],
])
def test_cli_usage_errors_exit_2(arguments: list[str], tmp_path: Path) -> None:
    result = teikit(*arguments, cwd=tmp_path)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr


# --------------------------------------------------------------------------- --rev against git


def _git(repository: Path, *arguments: str) -> None:
    subprocess.run(["git", "-c", "user.name=Test", "-c", "user.email=test@example.org", *arguments],
                   cwd=repository, check=True, capture_output=True)


@pytest.fixture()
def repository(tmp_path: Path) -> Path:
    """A git repository holding one document (the add-persname 'before' version) and the authority file."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    (tmp_path / "tei").mkdir()
    shutil.copy(CORRECTIONS / "authority.xml", tmp_path / "authority.xml")
    shutil.copy(CORRECTIONS / "add-persname" / "before.xml", tmp_path / "tei" / "doc.xml")
    _git(tmp_path, "init", "--quiet")
    _git(tmp_path, "add", ".")
    _git(tmp_path, "commit", "--quiet", "-m", "first")
    return tmp_path


def test_rev_unchanged_document(repository: Path) -> None:
    result = teikit("diff", "--rev", "HEAD", "tei/doc.xml", cwd=repository)
    assert result.returncode == 0, result.stderr
    assert "ok: no changes" in result.stdout


def test_rev_good_correction(repository: Path) -> None:
    shutil.copy(CORRECTIONS / "add-persname" / "after.xml", repository / "tei" / "doc.xml")
    result = teikit("diff", "--rev", "HEAD", "tei/doc.xml", cwd=repository)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "--- tei/doc.xml (HEAD)" in result.stdout
    assert '+ persName ref="../authority.xml#zorin" around "Zorin" in ¶16' in result.stdout


def test_rev_changed_word(repository: Path) -> None:
    document = repository / "tei" / "doc.xml"
    document.write_text(document.read_text().replace("No progress whatsoever", "No progress at all"))
    result = teikit("diff", "--rev", "HEAD", str(document), cwd=repository / "tei")
    assert result.returncode == 1
    assert "[-whatsoever-]{+at all+}" in result.stdout


def test_rev_markup_change_without_entry(repository: Path) -> None:
    document = repository / "tei" / "doc.xml"
    document.write_text(document.read_text().replace(
        "At conclusion of meeting Zorin", 'At conclusion of meeting <persName ref="../authority.xml#zorin">Zorin</persName>'))
    result = teikit("diff", "--rev", "HEAD", "doc.xml", cwd=repository / "tei")
    assert result.returncode == 1
    assert "no new <change> entry" in result.stdout


def test_rev_new_document_is_not_an_error(repository: Path) -> None:
    shutil.copy(repository / "tei" / "doc.xml", repository / "tei" / "other.xml")
    result = teikit("diff", "--rev", "HEAD", "tei/other.xml", cwd=repository)
    assert result.returncode == 0
    assert "new document" in result.stdout


def test_rev_earlier_commit(repository: Path) -> None:
    shutil.copy(CORRECTIONS / "add-persname" / "after.xml", repository / "tei" / "doc.xml")
    _git(repository, "commit", "--quiet", "-am", "tag Zorin")
    assert teikit("diff", "--rev", "HEAD", "tei/doc.xml", cwd=repository).returncode == 0
    result = teikit("diff", "--rev", "HEAD~1", "tei/doc.xml", cwd=repository)
    assert result.returncode == 0 and "+ persName" in result.stdout


@pytest.mark.parametrize(("arguments", "message"), [
    (["--rev", "no-such-branch", "tei/doc.xml"], '"no-such-branch" is not a revision'),
    (["--rev", "HEAD", "tei/missing.xml"], "no such file"),
    (["--rev", "HEAD", "tei"], "is a directory"),
    (["--rev", "--", "tei/doc.xml"], "error"),
])
def test_rev_usage_errors(repository: Path, arguments: list[str], message: str) -> None:
    result = teikit("diff", *arguments, cwd=repository)
    assert result.returncode == 2, result.stdout + result.stderr
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_rev_outside_a_repository(tmp_path: Path) -> None:
    shutil.copy(CORRECTIONS / "add-persname" / "before.xml", tmp_path / "doc.xml")
    result = teikit("diff", "--rev", "HEAD", "doc.xml", cwd=tmp_path)
    assert result.returncode == 2
    assert "not inside a git repository" in result.stderr


def test_rev_old_version_not_well_formed(repository: Path) -> None:
    document = repository / "tei" / "doc.xml"
    good = document.read_text()
    document.write_text(good.replace("</TEI>", ""))
    _git(repository, "commit", "--quiet", "-am", "broken")
    document.write_text(good)
    result = teikit("diff", "--rev", "HEAD", "tei/doc.xml", cwd=repository)
    # No comparison was made: a usage error (2), not "the text changed" (1), located in the old version.
    assert result.returncode == 2
    assert "tei/doc.xml (HEAD):" in result.stderr and "not well-formed" in result.stderr


def test_an_authority_record_change_needs_an_entry(tmp_path: Path) -> None:
    old = tmp_path / "old.xml"
    new = tmp_path / "new.xml"
    shutil.copy(CORRECTIONS / "authority.xml", old)
    text = old.read_text()
    new.write_text(text.replace('<birth when="1901"/>', '<birth when="1902"/>', 1))
    result = diff.diff_paths(old, new)
    assert [change.format() for change in result.standoff_changes] == [
        '~ standOff/listPerson/person#kuznetsov/birth/@when: "1901" -> "1902"']
    assert result.exit_code == 1 and result.missing_revision_entry and not result.text_changed


def _apply(codes: list[tuple], old: list[str], new: list[str]) -> list[str]:
    """``new`` rebuilt from ``old`` and the opcodes (what every alignment must allow)."""
    rebuilt: list[str] = []
    position = 0
    for tag, i1, i2, j1, j2 in codes:
        assert i1 == position, codes
        if tag == "equal":
            assert old[i1:i2] == new[j1:j2]
            rebuilt += old[i1:i2]
        else:
            rebuilt += new[j1:j2]
        position = i2
    assert position == len(old)
    return rebuilt


@pytest.mark.parametrize("limit", [diff._DIRECT_LIMIT, 4])
def test_the_alignment_turns_the_old_tokens_into_the_new(monkeypatch, limit: int) -> None:
    # With a tiny limit every stretch goes through the block-by-block path.
    import random

    monkeypatch.setattr(diff, "_DIRECT_LIMIT", limit)
    generator = random.Random(12)
    words = ["the", " ", "Soviets", ".", "\n", "Zorin", ","]
    for _ in range(200):
        old = [generator.choice(words) for _ in range(generator.randrange(0, 60))]
        new = list(old)
        for _ in range(generator.randrange(0, 6)):
            where = generator.randrange(0, len(new) + 1)
            if new and generator.random() < 0.5:
                del new[where:where + generator.randrange(1, 4)]
            else:
                new[where:where] = [generator.choice(words)]
        codes = diff.opcodes(old, new)
        assert _apply(codes, old, new) == new
        if old == new:
            assert [code[0] for code in codes] == ["equal"]


def test_identical_readings_align_without_comparing_token_pairs(monkeypatch) -> None:
    # The old difflib alignment of two identical 200 KB documents took 22 s: here difflib is never asked.
    tokens = ["the", " ", "word", "\n"] * 50_000
    monkeypatch.setattr(diff.difflib, "SequenceMatcher", None)
    assert diff.opcodes(tokens, list(tokens)) == [("equal", 0, len(tokens), 0, len(tokens))]


def test_the_cycle_collector_does_not_run_during_a_diff_and_is_left_as_it_was(monkeypatch) -> None:
    """A diff's records are kept until it ends and hold no cycles: the collector, walking them again and
    again, made diff grow faster than its input (toolkit/collector.py, paused). Collections are
    counted while the diff works (not the one its allocations may bring on once the collector is back)."""
    import gc

    from toolkit.xmlio import parse_document

    case = CORRECTIONS / "add-persname"
    before, after = parse_document(case / "before.xml"), parse_document(case / "after.xml")
    working, runs = [False], []
    compare = diff._diff

    def observed(*arguments):
        working[0] = True
        try:
            return compare(*arguments)
        finally:
            working[0] = False

    def noted(phase: str, info: dict) -> None:
        if phase == "start" and working[0]:
            runs.append(info["generation"])

    monkeypatch.setattr(diff, "_diff", observed)
    assert gc.isenabled()
    gc.callbacks.append(noted)
    try:
        result = diff.diff_documents(before, after)
        assert gc.isenabled()
        gc.disable()
        try:
            diff.diff_documents(before, after)
            assert not gc.isenabled()  # a caller that had it off gets it back off
        finally:
            gc.enable()
    finally:
        gc.callbacks.remove(noted)
    assert runs == [], f"the collector ran {len(runs)} times during a diff"
    assert result.markup_changes  # the diff did its work
