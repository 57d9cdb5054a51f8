"""The toolkit's one exception family and the located problems it reports.

Library code raises :class:`ToolkitError` (or a subclass) for anything a user
can fix, and returns :class:`Problem` records for findings about documents.
Only the command line turns them into ``FILE:LINE:COL: error: ...`` lines and
exit codes, so no user ever sees a traceback for bad input.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

EXIT_OK = 0
EXIT_INVALID = 1
EXIT_USAGE = 2


class ToolkitError(Exception):
    """A failure the user can act on; ``exit_code`` tells scripts what kind."""

    exit_code = EXIT_USAGE

    def __init__(self, message: str, *, path: str | None = None, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.path = path
        self.hint = hint

    def __reduce__(self):
        # Raised in a worker process, it must reach the parent whole (message, path and hint).
        return _rebuild_error, (type(self), self.message, self.path, self.hint)

    def __str__(self) -> str:
        text = f"{self.path}: error: {self.message}" if self.path else f"error: {self.message}"
        return f"{text} (hint: {self.hint})" if self.hint else text


def _rebuild_error(cls: type, message: str, path: str | None, hint: str | None) -> ToolkitError:
    error = cls.__new__(cls)
    ToolkitError.__init__(error, message, path=path, hint=hint)
    return error


class UsageError(ToolkitError):
    """The command was called wrongly: a bad option or a path that cannot be read."""


class TransformError(ToolkitError):
    """A stylesheet could not be compiled or failed on a document."""

    exit_code = EXIT_INVALID


@dataclass(frozen=True, slots=True)
class Problem:
    """One finding about one place in one document."""

    path: str
    line: int
    column: int
    message: str
    severity: str = "error"
    hint: str | None = None
    rule: str | None = None
    step: str | None = None

    def format(self) -> str:
        """The GNU ``FILE:LINE:COL: severity: message`` line editors and CI annotate."""
        text = f"{self.path}:{self.line}:{self.column}: {self.severity}: {self.message}"
        if self.hint:
            text += f" (hint: {self.hint})"
        if self.rule:
            text += f" [{self.rule}]"
        return _one_line(text)

    def github(self) -> str:
        """The problem as a GitHub Actions workflow command, which the pull request shows on its line:
        ``::error file=PATH,line=N,col=N,title=RULE::MESSAGE (hint: ...)`` (``::warning`` for warnings),
        escaped as GitHub's workflow-command rules say."""
        command = "error" if self.severity == "error" else "warning"
        properties = [f"file={_github_property(self.path)}", f"line={self.line}", f"col={self.column}"]
        if self.rule:
            properties.append(f"title={_github_property(self.rule)}")
        message = f"{self.message} (hint: {self.hint})" if self.hint else self.message
        return f"::{command} {','.join(properties)}::{_github_data(message)}"

    def as_dict(self) -> dict:
        return asdict(self)


def _github_data(text: str) -> str:
    """A workflow command's message: %, CR and LF escaped (%25, %0D, %0A), so it stays one command."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _github_property(text: str) -> str:
    """A workflow command's property value: as its message, and ':' and ',' too (%3A, %2C)."""
    return _github_data(text).replace(":", "%3A").replace(",", "%2C")


def _one_line(text: str) -> str:
    """Line breaks (from a message quoting the source, or a file name) as spaces: one problem, one line."""
    return " ".join(text.splitlines()) if "\n" in text or "\r" in text else text


class ProblemCollection:
    """Mixin for results made of ``documents`` that each carry ``problems``."""

    documents: list

    @property
    def problems(self) -> list[Problem]:
        return [problem for document in self.documents for problem in document.problems]

    @property
    def errors(self) -> list[Problem]:
        return [problem for problem in self.problems if problem.severity == "error"]
