"""evalkit: bilingual golden-set evaluation for LLM candidates and router configs.

Example:
    >>> import evalkit as ek
    >>> result = ek.run("sim:sim-good", ["factual_qa"], store=":memory:")  # doctest: +SKIP
    >>> result.metrics()  # doctest: +SKIP
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = [
    "Comparison", "RunResult", "Store", "__version__", "compare", "export", "run", "run_async",
]  # fmt: skip

if TYPE_CHECKING:
    from evalkit._api import RunResult, compare, run, run_async
    from evalkit._export import export
    from evalkit.comparison import Comparison
    from evalkit.store import Store


def __getattr__(name: str) -> Any:
    # Lazy: `import evalkit` (and the CLI's start-up) must not pay for pandas, duckdb or the SDKs.
    if name in ("run", "run_async", "compare", "RunResult"):
        from evalkit import _api

        return getattr(_api, name)
    if name == "export":
        from evalkit._export import export

        return export
    if name == "Comparison":
        from evalkit.comparison import Comparison

        return Comparison
    if name == "Store":
        from evalkit.store import Store

        return Store
    raise AttributeError(f"module 'evalkit' has no attribute {name!r}")
