"""Printing a finished run."""

from __future__ import annotations

import click

from evalkit._api import RunResult


def print_run(result: RunResult) -> float:
    """Counts, cost and the per-slice metric means of one run; returns its error rate."""
    s = result.summary
    counts = result.store.counts(s.run_id)
    click.echo(
        f"run {s.run_id}: {s.planned} requests ({s.already_done} already done, {s.cached} cached, "
        f"{s.called} called, {s.failed} failed, {s.retries} retries) "
        f"cost {s.cost_text} in {s.elapsed_s:.1f}s"
    )
    click.echo(
        f"  {counts.answered} answered, {counts.failed} failed, {counts.missing} never attempted "
        f"of {counts.planned}: error rate {counts.error_rate:.1%}"
    )
    if counts.truncated:
        click.echo(
            f"  warning: {counts.truncated} of {counts.answered} replies stopped at the token "
            "limit (finish_reason length/max_tokens) and may be cut off; raise max_tokens"
        )
    if counts.estimated:
        click.echo(
            f"  warning: the server reported no token usage for {counts.estimated} replies; "
            "their token counts and cost are estimates (usage_estimated in the store)"
        )
    if s.errors_by_kind:
        click.echo(
            "  errors: " + ", ".join(f"{k}={v}" for k, v in sorted(s.errors_by_kind.items()))
        )
    click.echo(_means_table(result.store.metric_means(s.run_id)))
    return counts.error_rate


def _means_table(rows: list[tuple[str, str, str, int, float]]) -> str:
    """Task x metric rows, one column per language (plain text: no pandas on the run path)."""
    if not rows:
        return ""
    langs = sorted({r[2] for r in rows})
    cells = {(t, m, lang): v for t, m, lang, _, v in rows}
    keys = sorted({(t, m) for t, m, *_ in rows})
    width = max(len(f"{t}  {m}") for t, m in keys)
    lines = [" " * width + "".join(f"{lang:>9}" for lang in langs)]
    for t, m in keys:
        vals = "".join(
            f"{cells[(t, m, lang)]:>9.3f}" if (t, m, lang) in cells else f"{'-':>9}"
            for lang in langs
        )
        lines.append(f"{t + '  ' + m:<{width}}{vals}")
    return "\n".join(lines)
