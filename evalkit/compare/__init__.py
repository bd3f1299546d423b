"""Comparing runs: paired statistics per slice and the regression gate."""

import sys
import types
from typing import Any

from evalkit.compare._cluster import (
    ClusteredDelta,
    cluster_bootstrap_ci,
    clustered_mean_se,
    paired_clustered_delta,
)
from evalkit.compare._compare import Comparison, compare_runs
from evalkit.compare._drift import DRIFT_COLUMNS, drift
from evalkit.compare._gate import HEADLINE_METRICS, GateConfig
from evalkit.compare._power import (
    mde_paired_binary,
    observed_rho,
    power_paired_binary,
    required_n,
)
from evalkit.compare._routes import ROUTE_COLUMNS, route_table
from evalkit.compare._stats import (
    PairedTest,
    benjamini_hochberg,
    holm,
    mcnemar_exact,
    paired_ci,
    sign_flip,
    wilson,
)
from evalkit.compare._summary import SUMMARY_COLUMNS, slice_summary

__all__ = [
    "DRIFT_COLUMNS",
    "HEADLINE_METRICS",
    "ROUTE_COLUMNS",
    "SUMMARY_COLUMNS",
    "ClusteredDelta",
    "Comparison",
    "GateConfig",
    "PairedTest",
    "benjamini_hochberg",
    "cluster_bootstrap_ci",
    "clustered_mean_se",
    "compare_runs",
    "drift",
    "holm",
    "mcnemar_exact",
    "mde_paired_binary",
    "observed_rho",
    "paired_ci",
    "paired_clustered_delta",
    "power_paired_binary",
    "required_n",
    "route_table",
    "sign_flip",
    "slice_summary",
    "wilson",
]


class _CallableModule(types.ModuleType):
    """Importing this subpackage rebinds ``evalkit.compare`` to it, shadowing the top-level
    ``evalkit.compare()`` function; calling the module calls that function, so
    ``ek.compare(a, b)`` works whatever was imported first."""

    def __call__(self, *args: Any, **kwargs: Any) -> Comparison:
        from evalkit._api import compare

        return compare(*args, **kwargs)


sys.modules[__name__].__class__ = _CallableModule
