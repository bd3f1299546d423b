"""The git commit and branch of the working directory, recorded with each run."""

from __future__ import annotations

import os
import subprocess


def _git(*args: str) -> str | None:
    try:
        return subprocess.run(
            ["git", *args], capture_output=True, text=True, timeout=5, check=True
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None


def git_sha() -> str | None:
    """HEAD's sha, with ``-dirty`` when the tree has changes; None outside a repository."""
    sha = _git("rev-parse", "HEAD")
    if not sha:
        return None
    dirty = _git("status", "--porcelain", "--untracked-files=no")
    return sha + ("-dirty" if dirty else "")


def git_branch() -> str | None:
    """The current branch (``$GITHUB_HEAD_REF``/``$GITHUB_REF_NAME`` in CI), or None."""
    for var in ("GITHUB_HEAD_REF", "GITHUB_REF_NAME", "CI_COMMIT_REF_NAME"):
        if os.environ.get(var):
            return os.environ[var]
    branch = _git("rev-parse", "--abbrev-ref", "HEAD")
    return branch if branch and branch != "HEAD" else None
