"""The judge-model ensemble: rubrics, panels, verdicts, cascade, pairwise and agreement."""

from evalkit.judges._agreement import (
    AgreementReport,
    cohen_kappa,
    fleiss_kappa,
    interpret_alpha,
    interpret_kappa,
    krippendorff_alpha,
    panel_agreement,
    percent_agreement,
)
from evalkit.judges._engine import judge_run, judge_run_async, pairwise
from evalkit.judges._pairwise import PairwiseResult, pairwise_async
from evalkit.judges._panel import Cascade, Panel, PanelConfig, Replies, load_panel
from evalkit.judges._report import agreement
from evalkit.judges._rubric import Rubric, load_rubric
from evalkit.judges._signals import combine
from evalkit.judges._summary import PARSE_FAILURE_WARN, JudgeCounts, JudgeSummary
from evalkit.judges._verdict import Verdict, parse_verdict

__all__ = [
    "PARSE_FAILURE_WARN",
    "AgreementReport",
    "Cascade",
    "JudgeCounts",
    "JudgeSummary",
    "PairwiseResult",
    "Panel",
    "PanelConfig",
    "Replies",
    "Rubric",
    "Verdict",
    "agreement",
    "cohen_kappa",
    "combine",
    "fleiss_kappa",
    "interpret_alpha",
    "interpret_kappa",
    "judge_run",
    "judge_run_async",
    "krippendorff_alpha",
    "load_panel",
    "load_rubric",
    "pairwise",
    "pairwise_async",
    "panel_agreement",
    "parse_verdict",
    "percent_agreement",
]
