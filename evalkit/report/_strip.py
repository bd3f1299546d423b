"""The summary strip at the top of the report: the verdict and what the gate could detect."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from evalkit.report._format import esc, is_missing

if TYPE_CHECKING:
    from evalkit.comparison import Comparison


def _points(value: Any) -> str:
    return "-" if is_missing(value) else f"{100 * float(value):.1f}"


def _chip(r: Any) -> str:
    """One gated hypothesis: its MDE against its margin, and whether it regressed or is weak."""
    verdict = str(r.verdict)
    underpowered = bool(getattr(r, "underpowered", False))
    cls = "fail" if verdict == "FAIL" else ("weak" if underpowered else "ok")
    mark = {"fail": "regressed", "weak": "underpowered", "ok": "powered"}[cls]
    if verdict == "unproven":
        mark = "not shown within the margin"
    return (
        f'<li class="chip {cls}"><b>{esc(r.hypothesis)}</b> MDE {_points(r.mde)} pts vs '
        f"margin {_points(r.margin)} pts, n {esc(r.n)}: <b>{esc(mark)}</b></li>"
    )


def summary_strip(cmp: Comparison) -> str:
    """The verdict badge and why, the detection summary, then one chip per gated hypothesis."""
    from evalkit.comparison import detection_summary, verdict_text

    name = str(cmp.verdict)
    why = verdict_text(cmp).removeprefix(name).strip(" ()")
    why_html = f' <span class="why">{esc(why)}</span>' if why else ""
    chips = "".join(_chip(r) for r in cmp.hypotheses.itertuples())
    return (
        '<section id="summary" class="strip">'
        f'<p class="verdict"><span class="badge {name.lower()}">{esc(name)}</span>{why_html}</p>'
        f'<p class="detect">{esc(detection_summary(cmp))}</p>'
        + (f'<ul class="chips">{chips}</ul>' if chips else "")
        + "</section>"
    )
