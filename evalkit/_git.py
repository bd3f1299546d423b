"""The git commit of the working directory, recorded with each run."""

from __future__ import annotations

import subprocess


def git_sha() -> str | None:
    """HEAD's sha, with ``-dirty`` when the tree has changes; None outside a repository."""
    try:
        sha = subprocess.run(
            ["git", "rev-parse", "HEAD"], capture_output=True, text=True, timeout=5, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            timeout=5,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return sha + ("-dirty" if dirty else "") if sha else None
