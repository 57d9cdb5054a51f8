"""Validate TEI documents: well-formedness, RELAX NG, Schematron, references.

The four steps run in that order for every document. The first three look at
one document at a time and run in worker processes, each of which compiles the
schemas once (:func:`_checker`). The last step, cross-document references,
needs every document's ids, so workers send back a small summary
(:class:`~toolkit.references.Facts`) and the parent resolves pointers between
files; each worker settles the pointers that resolve within its document or
into a file it has read (the authority file), so only ids and the doubtful
pointers travel (:class:`~toolkit.references.LocalIndex`). ``--engine jing`` swaps the RELAX NG step for Jing, run once for all
documents in one JVM.

The workers are those of :mod:`toolkit.pool`, the one pool of every command.
A build does not call :func:`validate_paths`: its workers run the per-document
steps (:func:`check_and_keep`) and transform the tree they just checked, and
the parent runs the steps over all documents (:func:`finish`) on what they send
back.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from toolkit import collector, confine, kinds, pool, project, references, relaxng, schematron
from toolkit.errors import Problem, ProblemCollection, UsageError
from toolkit.paths import display_path
from toolkit.xmlio import Document, DocumentError, parse_document

PARALLEL_THRESHOLD = pool.PARALLEL_THRESHOLD


@dataclass
class DocumentResult:
    """Every problem found in one document."""

    path: Path
    problems: list[Problem] = field(default_factory=list)
    facts: references.Facts | None = None
    #: The profile the document was checked under (None: it could not be parsed).
    profile: str | None = None

    @property
    def valid(self) -> bool:
        return not any(problem.severity == "error" for problem in self.problems)

    def __reduce__(self):
        # Sent from a worker once per document: the path as a string pickles faster.
        return _unpickle_result, (str(self.path), self.problems, self.facts, self.profile)


def _unpickle_result(path: str, problems: list[Problem], facts: references.Facts | None,
                     profile: str | None) -> DocumentResult:
    return DocumentResult(Path(path), problems, facts, profile)


@dataclass
class Report(ProblemCollection):
    """The outcome of validating a set of documents."""

    documents: list[DocumentResult]

    @property
    def valid_paths(self) -> list[Path]:
        return [document.path for document in self.documents if document.valid]

    def summary(self) -> str:
        total = len(self.documents)
        invalid = total - len(self.valid_paths)
        errors = len(self.errors)
        warnings = len(self.problems) - errors
        verdict = "all valid" if not invalid else f"{invalid} invalid"
        return (f"{total} document{'s' * (total != 1)} checked: {verdict}; "
                f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}")

    def profile_lines(self) -> list[str]:
        """Which profile each document was held to, one line per profile: ``profile edition: a.xml, b.xml``."""
        return profile_lines([(document.path, document.profile) for document in self.documents])

    def as_dict(self) -> dict:
        return {
            "valid": not self.errors,
            "summary": self.summary(),
            "documents": [
                {"path": display_path(d.path), "profile": d.profile, "valid": d.valid,
                 "problems": [p.as_dict() for p in d.problems]}
                for d in self.documents
            ],
        }


def profile_lines(documents: Iterable[tuple[Path, str | None]]) -> list[str]:
    """``profile NAME: path, path, ...`` for each profile applied (documents that could not be read have none)."""
    by_profile: dict[str, list[str]] = {}
    for path, profile in documents:
        if profile:
            by_profile.setdefault(profile, []).append(display_path(path))
    return [f"profile {name}: {', '.join(paths)}" for name, paths in by_profile.items()]


def _refused(path: Path, why: str) -> DocumentResult:
    return DocumentResult(path, [Problem(display_path(path), 1, 1, f"not read: the entry is {why}",
                                         hint="the toolkit reads only regular files inside the folder named",
                                         rule="file-confined", step="parse")])


class _Checker:
    """The per-document steps, with each profile's grammar and rules compiled once (on first use)."""

    def __init__(self, engine: str):
        self.engine = engine
        # Keyed by the kind itself: a kind loaded again (or another of the same name) is compiled afresh.
        self._grammars: dict[kinds.Kind, relaxng.Grammar | relaxng.TeiGrammar | None] = {}
        self._rules: dict[kinds.Kind, schematron.Rules | None] = {}
        self.known = references.LocalIndex()

    def grammar(self, profile: kinds.Kind) -> relaxng.Grammar | relaxng.TeiGrammar | None:
        if profile not in self._grammars:
            self._grammars[profile] = None if profile.grammar is None or self.engine != "lxml" \
                else _grammar(profile)
        return self._grammars[profile]

    def rules(self, profile: kinds.Kind) -> schematron.Rules | None:
        if profile not in self._rules:
            self._rules[profile] = schematron.Rules(profile.rules) if profile.rules else None
        return self._rules[profile]

    def check(self, path: Path, override: str | None = None) -> DocumentResult:
        return self.read_and_check(path, override)[0]

    def read_and_check(self, path: Path, override: str | None = None) -> tuple[DocumentResult, Document | None]:
        """Parse and check one file; the parsed document comes back too (None when it could not be read)."""
        try:
            document = parse_document(path)
        except DocumentError as exc:
            return DocumentResult(path, [exc.problem]), None
        except confine.NotReadable as exc:  # e.g. replaced by a pipe since it was listed
            return DocumentResult(path, [Problem(display_path(path), 1, 1, exc.message, hint=exc.hint,
                                                 rule="file-confined", step="parse")]), None
        return self.check_document(document, project.kind_for(path, document.root, override)), document

    def check_document(self, document: Document, profile: kinds.Kind | None = None) -> DocumentResult:
        """The per-document steps on a parsed document (the build hands in the tree it transforms next)."""
        profile = profile or project.kind_for(document.path, document.root)
        grammar, rules = self.grammar(profile), self.rules(profile)
        problems = grammar.check(document) if grammar else []
        if rules:
            problems += rules.check(document)
        if profile.file_checks:
            problems += profile.file_checks(document)
        facts = references.collect(document, self.known) if profile.cross_file_references else None
        return DocumentResult(document.path, problems, facts, profile.name)


def _grammar(profile: kinds.Kind) -> relaxng.Grammar | relaxng.TeiGrammar:
    if profile.tei_all:
        return relaxng.TeiGrammar(profile.grammar, profile.extend_grammar, name=profile.name)
    return relaxng.Grammar(profile.grammar)


@functools.cache
def _checker(engine: str) -> _Checker:
    return _Checker(engine)


def _check_one(engine: str, override: str | None, path: Path) -> DocumentResult:
    return check_and_keep(path, engine, override)[0]


def check_and_keep(path: Path, engine: str = "lxml",
                   override: str | None = None) -> tuple[DocumentResult, Document | None]:
    """The per-document steps on one file, and its parsed tree for whoever works on it next
    (the build's transformation: one parse, one profile decision for both); ``override``: ``--profile``."""
    try:
        return _checker(engine).read_and_check(path, override)
    except etree.LxmlError as exc:
        # A checker bug must cost one document its verdict, never the whole run
        # (lxml's exceptions carry an error log that cannot travel back from a worker).
        return DocumentResult(path, [Problem(
            display_path(path), 1, 1, f"the checks could not finish on this document: {type(exc).__name__}: {exc}",
            hint="this is a teikit bug: please report it with the document", rule="internal", step="parse")]), None


def _start_checking(folders: tuple[Path, ...], found: project.Project | None) -> None:
    """A worker's start: the parent's kinds, and the parent's project for the worker's life (see
    :func:`toolkit.project.fixed`)."""
    kinds.load_folders(folders)
    project.pin(found)


def _check_all(paths: list[Path], engine: str, jobs: int, override: str | None) -> Iterator[DocumentResult]:
    # The parent checks documents too (share): it has the toolkit imported already. Validation loads no
    # Saxon, so the workers are forked once the parent has checked its first document: they inherit its imports
    # and the schemas and rules it compiled (tei_all, the Schematron) instead of loading them again.
    yield from pool.imap(functools.partial(_check_one, engine, override), paths, jobs=jobs,
                         initializer=_start_checking, initargs=(kinds.loaded_folders(), project.current()),
                         share=True, fork=True)


def validate_paths(paths: Iterable[Path] = (), *, engine: str = "lxml", jobs: int | None = None,
                   root: Path | None = None, selection: confine.Selection | None = None,
                   profile: str | None = None) -> Report:
    """Validate documents (default: the project's) and report every problem.

    ``root`` widens the folder pointers are confined to (:mod:`toolkit.confine`);
    ``selection`` gives the documents already selected (the build does); ``profile``
    holds every document to one kind, whatever the project file or its content says.
    """
    if engine not in ("lxml", "jing"):
        raise UsageError(f'unknown engine "{engine}"', hint='choose "lxml" or "jing"')
    project.check_profile(profile)
    selection = selection or confine.select(paths, root)
    # One look for the project, not two per document; no cycle collection while every document's result
    # is kept (none makes a cycle: toolkit/collector.py), in the workers too (forked from here, they
    # inherit the pause).
    with project.fixed(), collector.paused():
        results = list(_check_all(selection.files, engine, jobs or os.cpu_count() or 1, profile))
        return finish(results, selection, engine)


def finish(results: list[DocumentResult], selection: confine.Selection, engine: str = "lxml") -> Report:
    """The steps over all documents, once each document's own are done (here or in a build's workers):
    Jing when asked, the references between files, the refused entries; problems in reading order."""
    if engine == "jing":
        _add_jing_problems(results)
    references.resolve(results, selection.root_of, _shares_ids)
    results = results + [_refused(path, why) for path, why in selection.refused]
    repeated = selection.repeated_problems()
    for result in results:
        result.problems += repeated.get(result.path, [])
    for result in results:
        result.problems = _one_report_per_date(result.problems)
        result.problems.sort(key=_step_order)
    return Report(results)


def _shares_ids(result: DocumentResult) -> bool:
    """Whether the document's kind makes its ids unique across the edition (else: within itself)."""
    kind = kinds.get(result.profile or "")
    return kind is not None and kind.shared_ids


#: A grammar message about the value of a date attribute (lxml's and Jing's wording).
_GRAMMAR_DATE_VALUE = re.compile(r'(?:@|attribute ")(?:when|notBefore|notAfter|from|to)\b.*invalid value'
                                 r'|invalid value for @(?:when|notBefore|notAfter|from|to)\b')


def _one_report_per_date(problems: list[Problem]) -> list[Problem]:
    """An impossible date (1962-02-30) breaks both the grammar's date type and the
    date-calendar rule: keep the rule's message, which says what is wrong."""
    calendar_lines = {problem.line for problem in problems if problem.rule == "date-calendar"}
    if not calendar_lines:
        return problems
    return [problem for problem in problems
            if not (problem.step == "relaxng" and problem.line in calendar_lines
                    and _GRAMMAR_DATE_VALUE.search(problem.message))]


_STEPS = {"parse": 0, "relaxng": 1, "schematron": 2, "references": 3}


def _step_order(problem: Problem) -> tuple[int, int, int]:
    return _STEPS.get(problem.step or "", 9), problem.line, problem.column


def _add_jing_problems(results: list[DocumentResult]) -> None:
    """Jing, once per grammar for all the documents of its profiles (tei_all whole, as TEI publishes it)."""
    grammars: dict[str, tuple[Path, str]] = {}
    by_grammar: dict[tuple[Path, str], list[DocumentResult]] = {}
    for result in results:
        profile = project.kind_named(result.profile, project.current()) if kinds.get(result.profile or "") else None
        if profile is None or profile.grammar is None:
            continue
        if profile.name not in grammars:
            grammars[profile.name] = _jing_grammar(profile)
        by_grammar.setdefault(grammars[profile.name], []).append(result)
    for (schema, guide), parsed in by_grammar.items():
        # The problems come back in the order of the documents: by identity, never by name.
        for result, problems in zip(parsed, relaxng.run_jing(schema, [result.path for result in parsed], guide)):
            result.problems.extend(problems)


def _jing_grammar(profile: kinds.Kind) -> tuple[Path, str]:
    """The grammar file Jing reads for a profile, and the hint its messages carry."""
    if not profile.tei_all:
        return profile.grammar, relaxng.GUIDE
    grammar = relaxng.TeiGrammar(profile.grammar, profile.extend_grammar, name=profile.name)
    return grammar.written(profile.grammar.parent), relaxng.TEI_GUIDE
