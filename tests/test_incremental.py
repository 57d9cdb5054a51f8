"""Incremental builds (toolkit/cache.py): an unchanged input keeps its outputs, untouched and not transformed
again; a changed input, a changed linked file, a changed option or toolkit rebuilds what depends on it."""

from __future__ import annotations

import importlib.util
import json
import os
from pathlib import Path

import pytest

from toolkit import build, cache, transform
from toolkit.cli import main
from toolkit.errors import EXIT_OK
from toolkit.paths import PROJECT_ROOT
from toolkit.validate import validate_paths

_spec = importlib.util.spec_from_file_location("bench_generate", PROJECT_ROOT / "bench" / "generate.py")
generate = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(generate)


@pytest.fixture
def corpus(tmp_path: Path) -> list[Path]:
    """Three valid telegrams beside their authority file."""
    return generate.generate(tmp_path / "tei", 3)


@pytest.fixture
def transformed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the documents transformed in this process (the builds below run with --jobs 1)."""
    names: list[str] = []
    real = transform.transform

    def counting(document, *args, **kwargs):
        names.append(document.path.name)
        return real(document, *args, **kwargs)

    monkeypatch.setattr(transform, "transform", counting)
    return names


def _identity(out: Path) -> dict[str, tuple[int, int, bytes]]:
    """Every output file: its inode, its modification time and its content."""
    return {str(path.relative_to(out)): (path.stat().st_ino, path.stat().st_mtime_ns, path.read_bytes())
            for path in sorted(out.rglob("*")) if path.is_file() and not path.name.startswith(".")
            and ".teikit" not in str(path.relative_to(out))}


def _of(identity: dict, name: str) -> dict:
    return {relative: value for relative, value in identity.items() if Path(relative).stem.split(".")[0] == name}


def _build(folder: Path, out: Path, **options) -> build.BuildResult:
    result = build.build([folder], out, jobs=1, **options)
    assert not result.errors, [problem.format() for problem in result.errors]
    return result


def test_an_unchanged_input_is_not_transformed_again_and_a_changed_one_is(
        tmp_path: Path, corpus: list[Path], transformed: list[str]) -> None:
    out = tmp_path / "out"
    _build(corpus[0].parent, out)
    assert sorted(transformed) == sorted(path.name for path in corpus)
    before = _identity(out)

    transformed.clear()
    again = _build(corpus[0].parent, out)
    assert transformed == []
    assert len(again.kept) == 3 and not again.built
    now = _identity(out)
    for path in corpus:  # every output of every document: same inode, time and bytes
        assert _of(now, path.stem) == _of(before, path.stem) and _of(now, path.stem)

    changed = corpus[1]
    changed.write_text(changed.read_text(encoding="utf-8").replace("Confidential; Limit Distribution", "Confidential; Limit Distribution resent", 1),
                       encoding="utf-8")
    transformed.clear()
    third = _build(corpus[0].parent, out)
    assert transformed == [changed.name]
    after = _identity(out)
    for path in (corpus[0], corpus[2]):  # same inode, same time, same bytes: never rewritten
        assert _of(after, path.stem) == _of(before, path.stem) and _of(after, path.stem)
    new, old = _of(after, changed.stem), _of(before, changed.stem)
    assert new.keys() == old.keys()
    # written anew where the bytes changed; a file that came out the same is left as it was (toolkit/output.py)
    assert all((new[name][:2] != old[name][:2]) == (new[name][2] != old[name][2]) for name in new)
    assert b"resent" in new[f"text/{changed.stem}.diplomatic.txt"][2]
    assert [document.path.name for document in third.built] == [changed.name]
    # the site-wide page is made again, and lists all three
    index = (out / "html" / "index.html").read_text(encoding="utf-8")
    assert all(f"{path.stem}.html" in index for path in corpus)


def test_a_touched_but_identical_input_is_kept(tmp_path: Path, corpus: list[Path], transformed: list[str]) -> None:
    out = tmp_path / "out"
    _build(corpus[0].parent, out)
    for path in corpus:
        os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 5_000_000_000))
    transformed.clear()
    _build(corpus[0].parent, out)
    assert transformed == []


def test_a_changed_option_or_toolkit_rebuilds_everything(tmp_path: Path, corpus: list[Path],
                                                         transformed: list[str],
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    _build(corpus[0].parent, out)
    transformed.clear()
    _build(corpus[0].parent, out, edition_url="https://example.org/other/")
    assert sorted(transformed) == sorted(path.name for path in corpus)
    assert "https://example.org/other/" in (out / "cite" / f"{corpus[0].stem}.bib").read_text(encoding="utf-8")

    transformed.clear()
    monkeypatch.setattr(cache, "toolkit_fingerprint", lambda: "a stylesheet changed")
    _build(corpus[0].parent, out, edition_url="https://example.org/other/")
    assert sorted(transformed) == sorted(path.name for path in corpus)


def test_the_toolkit_fingerprint_covers_the_stylesheets(tmp_path: Path) -> None:
    xslt = tmp_path / "xslt"
    xslt.mkdir()
    (xslt / "a.xsl").write_text("<one/>", encoding="utf-8")
    first = cache.fingerprint_of([xslt], [])
    assert cache.fingerprint_of([xslt], []) == first
    (xslt / "a.xsl").write_text("<two/>", encoding="utf-8")
    assert cache.fingerprint_of([xslt], []) != first
    stylesheet = next(path for path in transform.XSLT_DIR.rglob("*.xsl"))
    assert stylesheet.resolve() in cache.fingerprinted_files()


def test_a_changed_authority_file_rebuilds_the_documents_that_use_it(
        tmp_path: Path, corpus: list[Path], transformed: list[str]) -> None:
    out = tmp_path / "out"
    _build(corpus[0].parent, out)
    authority = corpus[0].parent / "authority.xml"
    authority.write_text(authority.read_text(encoding="utf-8").replace("</listPerson>", "<!-- added -->"
                                                                       "</listPerson>", 1), encoding="utf-8")
    transformed.clear()
    _build(corpus[0].parent, out)
    assert sorted(transformed) == sorted(path.name for path in corpus)


def test_a_missing_output_rebuilds_its_input(tmp_path: Path, corpus: list[Path], transformed: list[str]) -> None:
    out = tmp_path / "out"
    _build(corpus[0].parent, out)
    (out / "text" / f"{corpus[2].stem}.reading.txt").unlink()
    transformed.clear()
    _build(corpus[0].parent, out)
    assert transformed == [corpus[2].name]
    assert (out / "text" / f"{corpus[2].stem}.reading.txt").is_file()


def test_kept_inputs_still_take_part_in_the_references_step(tmp_path: Path, corpus: list[Path],
                                                            transformed: list[str]) -> None:
    """A new document reusing a kept one's xml:id: both are reported (the kept one from its record's facts)."""
    out = tmp_path / "out"
    _build(corpus[0].parent, out)
    clash = corpus[0].parent / "clash.xml"
    text = corpus[1].read_text(encoding="utf-8")
    clash.write_text(text.replace(f'xml:id="{corpus[1].stem}"', 'xml:id="clash-doc"', 1), encoding="utf-8")
    transformed.clear()
    result = build.build([corpus[0].parent], out, jobs=1)
    # the new file passes its own checks in its worker and is transformed there (one parse for both);
    # the references step then finds the clash: the file it flags gets no new output
    assert transformed == ["clash.xml"]
    # the same verdicts as validating every file afresh (the kept ones' ids came from their records)
    fresh = validate_paths([corpus[0].parent], jobs=1)
    assert [problem.format() for problem in result.errors] == [problem.format() for problem in fresh.errors]
    assert any(problem.rule == "id-unique" for problem in result.errors)
    flagged = {Path(problem.path).name for problem in result.errors}
    assert not any(document.files for document in result.documents if document.path.name in flagged)


def test_records_are_plain_json_written_only_for_what_built(tmp_path: Path, corpus: list[Path]) -> None:
    out = tmp_path / "out"
    _build(corpus[0].parent, out)
    records = [json.loads(path.read_text(encoding="utf-8")) for path in (out / cache.CACHE_DIR).glob("*.json")]
    assert len(records) == 4  # three telegrams and the authority file (validated, nothing to publish)
    telegram = next(record for record in records if record["source"].endswith(corpus[0].name))
    assert set(telegram["files"]) == {str(path.relative_to(out)) for path in out.rglob(f"{corpus[0].stem}*")}
    assert list(telegram["linked"]) == [str((corpus[0].parent / "authority.xml").resolve())]
    assert telegram["card"] and telegram["validated"] is True
    assert not list(out.glob(".teikit-staging-*"))
    corpus[2].unlink()  # a removed input loses its record (and its outputs)
    _build(corpus[0].parent, out)
    assert len(list((out / cache.CACHE_DIR).glob("*.json"))) == 3
    assert not list(out.rglob(f"{corpus[2].stem}*"))


def test_collectors_fill_each_record_and_kept_inputs_bring_theirs_back(
        tmp_path: Path, corpus: list[Path], monkeypatch: pytest.MonkeyPatch) -> None:
    """What site-wide pages need of each input is kept with it, and comes back when the input is kept."""
    monkeypatch.setitem(cache.COLLECTORS, "title-length", _title_length)
    out = tmp_path / "out"
    first = _build(corpus[0].parent, out)
    second = _build(corpus[0].parent, out)
    made = {document.path.name: document.data for document in first.documents if not document.skipped}
    kept = {document.path.name: document.data for document in second.documents if not document.skipped}
    assert made == kept and all(data["title-length"] > 10 for data in made.values())


def _title_length(document, card: str | None) -> int:
    return len(document.root.findtext(".//{http://www.tei-c.org/ns/1.0}title") or "")


def test_the_command_line_says_what_it_kept(tmp_path: Path, corpus: list[Path],
                                            capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    assert main(["build", "--jobs", "1", "--out", str(out), str(corpus[0].parent)]) == EXIT_OK
    capsys.readouterr()
    assert main(["build", "--jobs", "1", "--out", str(out), str(corpus[0].parent)]) == EXIT_OK
    assert "3 unchanged, outputs kept" in capsys.readouterr().err
