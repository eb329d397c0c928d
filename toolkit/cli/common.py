"""What every command module shares: progress on stderr, the knowledge index, the brief, output paths.

Bad input (an invalid setting, an unreadable brief, a wrong output path) raises `UsageError`, so `main` reports
it in one line with exit status 2. Heavy packages are imported inside the functions, so `--help` stays fast.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

from toolkit.cli import UsageError

if TYPE_CHECKING:
    from toolkit.brief import Brief
    from toolkit.retrieval import Retriever
    from toolkit.settings import Settings


class ProgressPrinter:
    """Prints 'Indexing 135 cards… 40/135' on stderr: in place on a terminal, else every ~10%."""

    def __init__(self, verb: str, stream=None) -> None:
        self.verb = verb
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty()
        self._last = -1

    def __call__(self, done: int, total: int, what: str) -> None:
        step = max(1, total // 10)
        if not self.tty and done != total and done // step == self._last // step:
            return
        self._last = done
        line = f"{self.verb} {total} {what}… {done}/{total}"
        end = "\n" if not self.tty or done == total else ""
        self.stream.write(("\r" + line if self.tty else line) + end)
        self.stream.flush()


class JobProgressPrinter:
    """Prints a background ingest's progress on stderr ('file 2 of 5 · 340 of 1,200 passages · about 3 min
    left'): in place on a terminal, else when the file changes or every ~10% of the passages."""

    def __init__(self, stream=None) -> None:
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty()
        self._last: tuple[int, int] = (0, -1)

    def __call__(self, job) -> None:
        if job.state in ("done", "cancelled", "failed"):
            if self.tty and self._last[1] >= 0:
                self.stream.write("\n")  # end the line written in place
            self._last = (0, -1)
            return
        total, done = job.total_passages, job.done_passages
        if job.reading or job.state != "running" or not total:
            return
        mark = (job.file_number, done * 10 // total if total else 0)
        if not self.tty and mark == self._last:
            return
        self._last = mark
        line = f"file {job.file_number} of {len(job.files)} · {done:,} of {total:,} passages"
        if job.eta_seconds is not None:
            line += f" · about {max(1, round(job.eta_seconds / 60))} min left"
        self.stream.write(f"\r{line}\033[K" if self.tty else line + "\n")
        self.stream.flush()


def open_retriever() -> Retriever:
    """The knowledge index as the environment's settings describe it; an invalid setting is a UsageError."""
    from toolkit.retrieval import Retriever
    from toolkit.settings import Settings

    try:
        settings = Settings.from_env()
    except ValueError as error:  # an invalid setting in the environment is bad input
        raise UsageError(str(error)) from None
    return Retriever.open(settings)


def ensure_indexed(retriever: Retriever) -> None:
    """Index the shipped knowledge base when it is missing or changed, with progress on stderr."""
    report = retriever.ensure_indexed(ProgressPrinter("Indexing"))
    if report:
        print(f"Knowledge base indexed: {report.summary()}", file=sys.stderr)


def read_brief(path: str, lang: str | None = None) -> Brief:
    """The rollout brief at `path` (YAML or JSON), in `lang` when given; an unusable brief is a UsageError."""
    from toolkit.brief import BriefError, load_brief

    try:
        return load_brief(path, lang)
    except BriefError as error:
        raise UsageError(str(error)) from None


def open_chat_model(settings: Settings):
    """The configured chat model (None for the offline composer); a setting that cannot work is a UsageError."""
    from toolkit.llm import LLMConfigError, chat_model

    try:
        return chat_model(settings)
    except LLMConfigError as error:
        raise UsageError(str(error)) from None


def check_output_path(path: str | None, suffix: str) -> None:
    """A file to write must end in `suffix` and go into a folder that exists (nothing to check without a path)."""
    if not path:
        return
    target = Path(path)
    if target.suffix.lower() != suffix:
        raise UsageError(f"{path}: the file name must end in {suffix}")
    if not target.parent.exists() and str(target.parent) not in ("", "."):
        raise UsageError(f"{path}: the folder {target.parent} does not exist")
