"""The ``teikit`` command line: argument parsing and reporting, nothing more.

Each subcommand hands its work to a module (validate, build, ...) and turns the
result into GNU-style lines and an exit code: 0 all good, 1 a document is
invalid or a check failed, 2 the command was used wrongly or a path is unreadable.
"""

from __future__ import annotations

import argparse
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


def _add_validate(commands: argparse._SubParsersAction) -> None:
    command = commands.add_parser(
        "validate", help="check documents against the schema and the editorial rules",
        description="Check well-formedness, RELAX NG, Schematron and cross-document references, in that order.")
    command.add_argument("paths", nargs="*", type=Path, metavar="PATH",
                         help="documents or folders (default: every document under tei/)")
    command.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")
    command.add_argument("--engine", choices=("lxml", "jing"), default="lxml",
                         help="RELAX NG engine: lxml (default, in-process) or jing (the reference, needs Java)")
    command.add_argument("--jobs", type=_jobs, default=os.cpu_count() or 1, metavar="N",
                         help="documents validated in parallel (default: number of CPUs)")
    command.set_defaults(run=_run_validate)


def _run_validate(args: argparse.Namespace) -> int:
    from toolkit import validate

    report = validate.validate_paths(args.paths, engine=args.engine, jobs=args.jobs)
    _print_report(report.problems, report.summary(), args.format, report.as_dict())
    return EXIT_INVALID if report.errors else EXIT_OK


def _print_report(problems: list[Problem], summary: str, output_format: str, data: dict) -> None:
    if output_format == "json":
        json.dump(data, sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
        return
    for problem in problems:
        print(problem.format())
    print(summary, file=sys.stderr)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="teikit", description="Validate and publish the Telegram 2477 TEI edition.")
    parser.add_argument("--version", action="version", version=f"teikit {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    _add_validate(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except ToolkitError as exc:
        print(f"teikit: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_USAGE
