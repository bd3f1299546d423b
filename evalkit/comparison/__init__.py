"""Comparing runs: paired statistics per slice and the regression gate."""

from evalkit.comparison._cluster import (
    ClusteredDelta,
    cluster_bootstrap_ci,
    clustered_mean_se,
    paired_clustered_delta,
)
from evalkit.comparison._compare import Comparison, baseline_quality, compare_runs
from evalkit.comparison._drift import DRIFT_COLUMNS, drift
from evalkit.comparison._gate import GateConfig, resolve_gate
from evalkit.comparison._graph import OVERALL, Verdict, plan_power
from evalkit.comparison._power import (
    mde_paired_binary,
    observed_rho,
    power_paired_binary,
    required_n,
)
from evalkit.comparison._render import detection_summary, verdict_text
from evalkit.comparison._routes import (
    ROUTE_COLUMNS,
    ROUTE_DELTA_COLUMNS,
    RouteMove,
    RouteReport,
    route_deltas,
    route_report,
    route_table,
)
from evalkit.comparison._stats import (
    PairedTest,
    benjamini_hochberg,
    holm,
    mcnemar_exact,
    paired_ci,
    sign_flip,
    wilson,
)
from evalkit.comparison._summary import SUMMARY_COLUMNS, slice_summary
from evalkit.tasks import HEADLINE_METRICS

__all__ = [
    "DRIFT_COLUMNS",
    "HEADLINE_METRICS",
    "OVERALL",
    "ROUTE_COLUMNS",
    "ROUTE_DELTA_COLUMNS",
    "SUMMARY_COLUMNS",
    "ClusteredDelta",
    "Comparison",
    "GateConfig",
    "PairedTest",
    "RouteMove",
    "RouteReport",
    "Verdict",
    "baseline_quality",
    "benjamini_hochberg",
    "cluster_bootstrap_ci",
    "clustered_mean_se",
    "compare_runs",
    "detection_summary",
    "drift",
    "holm",
    "mcnemar_exact",
    "mde_paired_binary",
    "observed_rho",
    "paired_ci",
    "paired_clustered_delta",
    "plan_power",
    "power_paired_binary",
    "required_n",
    "resolve_gate",
    "route_deltas",
    "route_report",
    "route_table",
    "sign_flip",
    "slice_summary",
    "verdict_text",
    "wilson",
]
