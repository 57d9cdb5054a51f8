"""The ``teikit`` command line: argument parsing and reporting, nothing more.

Each subcommand hands its work to a module (validate, build, ...) and turns the
result into GNU-style lines and an exit code: 0 all good, 1 a document is
invalid or a check failed, 2 the command was used wrongly or a path is unreadable.
"""

from __future__ import annotations

import argparse
import errno
import io
import json
import os
import sys
from pathlib import Path

from toolkit import __version__
from toolkit.errors import EXIT_INVALID, EXIT_OK, EXIT_USAGE, Problem, ToolkitError


def _jobs(value: str) -> int:
    try:
        jobs = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f'"{value}" is not a whole number') from None
    if jobs < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return jobs


def _path(value: str) -> Path:
    # Path("") is Path("."): an empty argument (an unset shell variable) would mean the current folder.
    if not value.strip():
        raise argparse.ArgumentTypeError("an empty argument names no file or folder")
    return Path(value)


def _add_paths(command: argparse.ArgumentParser) -> None:
    command.add_argument("paths", nargs="*", type=_path, metavar="PATH",
                         help="documents or folders (default: the documents of the project file: "
                              "[tool.teikit] in pyproject.toml, or teikit.toml, here or in a folder above)")
    command.add_argument("--root", type=_path, default=None, metavar="DIR",
                         help="the edition's root: pointers open files only inside it (default: the folder "
                              "named, else each document's own folder; see docs/validation.md)")
    _add_max_size(command)


def _size(value: str) -> int:
    from toolkit.confine import parse_size

    try:
        return parse_size(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f'"{value}" is not a size such as 64M, 500K or 1G') from None


def _add_max_size(command: argparse.ArgumentParser) -> None:
    from toolkit.confine import COMMAND_MAX_SIZE, DEFAULT_MAX_SIZE

    name = command.prog.split()[-1]
    default = COMMAND_MAX_SIZE.get(name, DEFAULT_MAX_SIZE) // 2**20
    command.add_argument("--max-size", type=_size, default=None, metavar="SIZE",
                         help=f"refuse files larger than this (default: {default}M, what {name} handles within "
                              "2 GB of memory; suffixes K, M, G)")


def _add_format(command: argparse.ArgumentParser, github: bool = True) -> None:
    if github:
        command.add_argument("--format", choices=("text", "json", "github"), default="text",
                             help="output format (default: text; github: each problem as a GitHub Actions "
                                  "annotation, ::error file=...,line=...,col=...::message)")
    else:
        command.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")


def _add_jobs(command: argparse.ArgumentParser, what: str) -> None:
    command.add_argument("--jobs", type=_jobs, default=os.cpu_count() or 1, metavar="N",
                         help=f"documents {what} in parallel (default: number of CPUs; never more worker "
                              "processes than CPUs, nor than the available memory holds at 400 MB each)")


def _add_profile(command: argparse.ArgumentParser) -> None:
    command.add_argument("--profile", default=None, metavar="NAME",
                         help="hold every document to this profile (kind of document): edition, frus, tei or a kind "
                              "the project adds (default: the one the project file gives it, else the one its "
                              "content says; see docs/validation.md)")


def _add_validate(commands: argparse._SubParsersAction) -> None:
    command = commands.add_parser(
        "validate", help="check documents against the schema and the editorial rules",
        description="Check well-formedness, RELAX NG, Schematron and cross-document references, in that order.")
    _add_paths(command)
    _add_format(command)
    command.add_argument("--engine", choices=("lxml", "jing"), default="lxml",
                         help="RELAX NG engine: lxml (default, in-process) or jing (the reference, needs Java)")
    _add_profile(command)
    _add_jobs(command, "validated")
    command.set_defaults(run=_run_validate)


def _run_validate(args: argparse.Namespace) -> int:
    from toolkit import validate

    report = validate.validate_paths(args.paths, engine=args.engine, jobs=args.jobs, root=args.root,
                                     profile=args.profile)
    # as_dict() names every document (a path resolution each): only for JSON.
    _print_report(report.problems, "\n".join([*report.profile_lines(), report.summary()]), args.format,
                  report.as_dict() if args.format == "json" else {})
    return EXIT_INVALID if report.errors else EXIT_OK


def _print_report(problems: list[Problem], summary: str, output_format: str, data: dict) -> None:
    if output_format == "json":
        json.dump(data, sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
        return
    for problem in problems:
        print(problem.github() if output_format == "github" else problem.format())
    print(summary, file=sys.stderr)


def _add_diff(commands: argparse._SubParsersAction) -> None:
    command = commands.add_parser(
        "diff", help="compare two versions of a document: source text and markup, separately",
        description="Compare two versions of a document. Reports changes to the source text (the diplomatic "
                    "reading) and markup changes separately. Exit 0 when the source text is unchanged, 1 when it "
                    "changed or when the text or markup changed without a new revisionDesc <change> entry, "
                    "2 on usage errors.",
        epilog="examples: teikit diff old.xml new.xml | teikit diff --rev HEAD tei/frus1961-63v11-d256.xml")
    command.add_argument("paths", nargs="*", type=_path, metavar="PATH",
                         help="OLD NEW; with --rev: the documents to compare (default: the project's documents)")
    _add_max_size(command)
    command.add_argument("--rev", metavar="REV", help="compare with the version at this git revision (HEAD, main, ...)")
    _add_format(command, github=False)
    command.set_defaults(run=_run_diff)


def _run_diff(args: argparse.Namespace) -> int:
    from toolkit.xmlio import DocumentError

    try:
        return _diff(args)
    except DocumentError as exc:
        # A version that cannot be read as TEI (empty, binary, not well-formed) is no
        # comparison at all: a usage error (2), never "the text changed" (1), and located.
        print(f"teikit: {exc.problem.format()}", file=sys.stderr)
        return EXIT_USAGE


def _diff(args: argparse.Namespace) -> int:
    from toolkit import diff
    from toolkit.confine import project_documents
    from toolkit.errors import UsageError

    if args.rev is not None:
        paths = args.paths or project_documents().files
        if not paths:
            raise UsageError("no documents to compare", hint="name the documents after --rev REV")
        results = [diff.diff_revision(args.rev, path) for path in paths]
    elif len(args.paths) != 2:
        raise UsageError(f"diff compares two files, OLD and NEW; {len(args.paths)} given",
                         hint="teikit diff OLD NEW, or teikit diff --rev REV [PATH ...] to compare with git")
    else:
        results = [diff.diff_paths(args.paths[0], args.paths[1])]
    code = max(result.exit_code for result in results)
    if args.format == "json":
        json.dump({"documents": [result.as_dict() for result in results], "exit_code": code},
                  sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        print("\n\n".join(result.format() for result in results))
    return code


def _add_lint(commands: argparse._SubParsersAction) -> None:
    command = commands.add_parser(
        "lint", help="advice on the markup: untagged names and dates, unused records, inconsistencies",
        description="Report markup an editor should look at: known names and dates left untagged, authority "
                    "records never referred to, abbreviations expanded in one place and not another, one "
                    "surface form pointing to different records. Warnings only: exit 0 unless --strict.")
    _add_paths(command)
    command.add_argument("--strict", action="store_true", help="exit 1 when there is any warning")
    _add_format(command)
    command.set_defaults(run=_run_lint)


def _run_lint(args: argparse.Namespace) -> int:
    from toolkit import lint

    problems = lint.lint_paths(args.paths, root=args.root)
    summary = lint.summary(problems)
    _print_report(problems, summary, args.format,
                  {"problems": [problem.as_dict() for problem in problems], "summary": summary})
    if any(problem.severity == "error" for problem in problems):
        return EXIT_INVALID
    return EXIT_INVALID if args.strict and problems else EXIT_OK


def _date(value: str):
    import datetime

    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f'"{value}" is not a date of the form YYYY-MM-DD') from None


def _add_build_options(command: argparse.ArgumentParser) -> None:
    """The options of a build, shared by `build` and `serve` (which builds again with them)."""
    from toolkit.formats import names
    from toolkit.transform import DEFAULT_EDITION_URL

    _add_paths(command)
    command.add_argument("--out", type=_path, default=None, metavar="DIR",
                         help="output folder (default: the project file's output, else build/)")
    command.add_argument("--format", dest="formats", default=",".join(names()), metavar="LIST",
                         help=f"outputs to build, comma-separated (default: {','.join(names())})")
    command.add_argument("--no-validate", dest="validate", action="store_false",
                         help="skip validation: transform any TEI P5 document")
    command.add_argument("--strict", action="store_true",
                         help="publish nothing of a FRUS volume with any error (default: keep back only the "
                              "documents with errors that would make their page wrong; docs/validation.md)")
    _add_profile(command)
    command.add_argument("--edition-url", default=None, metavar="URL",
                         help="where the edition is published, for links and citations (default: the project "
                              f"file's base-url, else {DEFAULT_EDITION_URL})")
    command.add_argument("--access-date", type=_date, default=None, metavar="YYYY-MM-DD",
                         help="the access date citations give (default: today)")
    command.add_argument("--no-search", dest="search", action="store_false",
                         help="do not build the search index (OUT/html/pagefind/); the one already there is kept")
    _add_jobs(command, "built")


def _add_build(commands: argparse._SubParsersAction) -> None:
    command = commands.add_parser(
        "build", help="build the HTML edition, plain texts and citations (after validating)",
        description="Validate the documents, then run the XSLT stylesheets on every valid one and write "
                    "OUT/html (pages, index.html, edition.css, edition.js, the search page and its index), "
                    "OUT/text and OUT/cite. An invalid document gets no output and keeps its earlier outputs; a FRUS "
                    "volume with errors is published document by document, without those its errors keep back "
                    "(unless --strict); the exit code is then 1. The outputs are put in place in one commit, all or "
                    "nothing; one build at a time per output folder (a second one stops with exit 2). "
                    "See docs/outputs.md.")
    _add_build_options(command)
    command.set_defaults(run=_run_build)


def _build_once(args: argparse.Namespace) -> int:
    from toolkit import build, project
    from toolkit.paths import display_path
    from toolkit.transform import DEFAULT_EDITION_URL
    from toolkit.validate import profile_lines

    found = project.current()
    out = args.out or (found.output if found and found.output else Path("build"))
    edition_url = args.edition_url or (found.base_url if found and found.base_url else DEFAULT_EDITION_URL)
    result = build.build(args.paths, out, build.parse_formats(args.formats),
                         validate=args.validate, edition_url=edition_url,
                         access_date=args.access_date, jobs=args.jobs, root=args.root, strict=args.strict,
                         search_index=args.search, profile=args.profile, site_title=found.title if found else None)
    for problem in result.problems:
        print(problem.format(), flush=True)
    for document in result.documents:
        if document.skipped:
            print(f"{display_path(document.path)}: skipped: {document.skipped}", file=sys.stderr)
    if result.library_report is not None:
        print(f"registers of persons, places and organisations: merges and near misses in "
              f"{display_path(result.library_report)}", file=sys.stderr)
    for line in profile_lines((document.path, document.check.profile if document.check else None)
                              for document in result.documents):
        print(line, file=sys.stderr)
    print(result.summary(), file=sys.stderr, flush=True)
    return EXIT_INVALID if result.errors else EXIT_OK


def _run_build(args: argparse.Namespace) -> int:
    return _build_once(args)


def _port(value: str) -> int:
    try:
        port = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f'"{value}" is not a port number') from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError("a port is a number from 0 to 65535")
    return port


def _add_serve(commands: argparse._SubParsersAction) -> None:
    from toolkit.serve import DEFAULT_PORT, HOST

    command = commands.add_parser(
        "serve", help="serve a build on 127.0.0.1 (search needs HTTP) and build again when a document changes",
        description=f"Serve the output folder over HTTP on {HOST} (search needs HTTP: a browser does not let a page "
                    "opened from a file read the index), building it first when a document is newer than it. "
                    "Watches the documents named (default: those the output folder was built from, else tei/) "
                    "and builds again, with these options, when one changes. Ctrl-C stops.",
        epilog="examples: teikit serve | teikit serve --out site --port 8080 tei/ frus1961-63v06.xml")
    _add_build_options(command)
    command.add_argument("--port", type=_port, default=DEFAULT_PORT, metavar="N",
                         help=f"the port on {HOST} (default: {DEFAULT_PORT}; 0: any free port)")
    command.set_defaults(run=_run_serve)


def _run_serve(args: argparse.Namespace) -> int:
    from toolkit import project, serve
    from toolkit.errors import ToolkitError as Failure

    found = project.current()
    args.out = args.out or (found.output if found and found.output else Path("build"))
    args.paths = list(args.paths) or serve.default_paths(args.out)

    def rebuild() -> None:
        try:
            _build_once(args)
        except Failure as exc:  # a failed build leaves the site as it was: keep serving it
            print(f"teikit: {exc}", file=sys.stderr, flush=True)

    serve.serve(args.out, serve.Watcher(args.paths, args.root), rebuild, port=args.port,
                say=lambda line: print(line, flush=True))
    return EXIT_OK


def _add_new(commands: argparse._SubParsersAction) -> None:
    command = commands.add_parser(
        "new", help="start a new edition in a folder: project file, template document, grammar, rules, CI",
        description="Write a new edition into DIR (new, or empty) that validates and builds as it is: teikit.toml "
                    "(the project file), tei/document.xml (a template document) and tei/authority.xml, "
                    "schemas/edition.rng and schemas/edition.sch (a starter grammar and rules to tighten), "
                    ".gitignore and .github/workflows/teikit.yml. See docs/project.md.",
        epilog="example: teikit new my-edition && cd my-edition && teikit build")
    command.add_argument("folder", type=_path, metavar="DIR", help="the new edition's folder")
    command.add_argument("--title", default=None, metavar="TITLE",
                         help="the edition's name (default: from the folder's name, my-edition -> My edition)")
    command.set_defaults(run=_run_new)


def _run_new(args: argparse.Namespace) -> int:
    from toolkit import new
    from toolkit.paths import display_path

    written = new.create(args.folder, args.title)
    shown = display_path(args.folder)
    print(f"teikit: a new edition in {shown}: {', '.join(str(path) for path in written)}", file=sys.stderr)
    print(f"next: cd {shown} && teikit build   (the site in {shown}/build/html/)", file=sys.stderr)
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="teikit", description="Validate and publish TEI digital editions.")
    parser.add_argument("--version", action="version", version=f"teikit {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    _add_validate(commands)
    _add_diff(commands)
    _add_lint(commands)
    _add_build(commands)
    _add_new(commands)
    _add_serve(commands)
    return parser


def _terminated(signum, frame) -> None:
    raise SystemExit(128 + signum)  # unwinds like Ctrl-C: temporary files and staged outputs are removed


#: Why a write to standard output or error fails: a closed pipe (`| head`), a descriptor not open
#: for writing (`1<&-`, `1</dev/null`), a full disk or quota, an I/O error.
_LOST_OUTPUT = {errno.EPIPE, errno.EBADF, errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO, errno.EINVAL}


def main(argv: list[str] | None = None) -> int:
    """Run one command; its exit code (0 ok, 1 invalid or failed, 2 usage, or the report not written)."""
    if sys.stdout is None:  # started with standard output closed (`>&-`): no report can be written
        return _output_lost("standard output is closed")
    if isinstance(sys.stdout, io.TextIOWrapper):  # a name that slips through unescaped cannot stop the report
        sys.stdout.reconfigure(errors="backslashreplace")
    try:
        try:
            code = _main(argv)
        except SystemExit:  # --help, --version, a usage error: what argparse wrote must arrive too
            sys.stdout.flush()
            raise
        sys.stdout.flush()  # a write that fails, fails here, not after the exit code is chosen
        return code
    except OSError as exc:
        # Reading a file or writing an output is reported where it happens, naming the file
        # (a ToolkitError); an OSError without a file name this far up is the report's stream.
        if exc.errno not in _LOST_OUTPUT or exc.filename is not None:
            raise
        return _output_lost(exc.strerror or str(exc))


def _output_lost(why: str) -> int:
    """The report could not be written: say so on standard error if it can be, and exit 2
    (never 1, which would read as "invalid", nor 0, which would read as "valid")."""
    _to_devnull(sys.stdout)  # what is still buffered (and Python's flush at exit) goes nowhere, quietly
    try:
        sys.stderr.write(f"teikit: error: the report could not be written to standard output: {why} "
                         "(hint: send it to a file, to a pipe that reads it all, or to /dev/null)\n")
        sys.stderr.flush()
    except (OSError, ValueError, AttributeError):
        _to_devnull(sys.stderr)
    return EXIT_USAGE


def _to_devnull(stream) -> None:
    try:
        if stream is not None:
            os.dup2(os.open(os.devnull, os.O_WRONLY), stream.fileno())
    except (OSError, ValueError, io.UnsupportedOperation):
        pass


def _set_max_size(size: int | None, command: str) -> None:
    """--max-size, else TEIKIT_MAX_SIZE from the environment (checked now: a bad one is a usage error),
    else the command's own default (what it handles within 2 GB: confine.COMMAND_MAX_SIZE)."""
    from toolkit import confine

    if size:
        confine.set_max_size(size)
    elif os.environ.get("TEIKIT_MAX_SIZE", "").strip():
        confine.max_size()
    else:
        confine.set_max_size(confine.COMMAND_MAX_SIZE.get(command, confine.DEFAULT_MAX_SIZE))


def _main(argv: list[str] | None) -> int:
    import signal

    args = build_parser().parse_args(argv)
    try:
        signal.signal(signal.SIGTERM, _terminated)
    except ValueError:  # not the main thread (main() called by a program): leave its handler alone
        pass
    try:
        _set_max_size(getattr(args, "max_size", None), args.command)
        from toolkit import project

        if args.command != "new":  # a new edition may start anywhere, even inside a broken project
            project.current()  # a broken project file is said once, up front, before any work
        return args.run(args)
    except ToolkitError as exc:
        print(f"teikit: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
