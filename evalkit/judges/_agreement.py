"""Inter-rater agreement: Cohen's and Fleiss' kappa, Krippendorff's alpha (Krippendorff 2011)."""

from __future__ import annotations

import itertools
import math
from collections import Counter
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

Level = Literal["nominal", "ordinal", "interval", "ratio"]
Weights = Literal["linear", "quadratic"]
Ratings = Sequence[Sequence[object]] | np.ndarray
Labels = Sequence[object] | np.ndarray

_LEVELS = ("nominal", "ordinal", "interval", "ratio")
_KAPPA_BANDS = ((0.20, "slight"), (0.40, "fair"), (0.60, "moderate"), (0.80, "substantial"))


def _missing(x: object) -> bool:
    """None, NaN, ``pd.NA`` or ``pd.NaT``: a rating that is not there (never a label)."""
    if x is None or (isinstance(x, (float, np.floating)) and math.isnan(x)):
        return True
    return type(x).__name__ in ("NAType", "NaTType")


def _pairable_units(ratings: Ratings) -> list[list[object]]:
    table = np.asarray(ratings, dtype=object)
    if table.ndim != 2:
        raise ValueError(f"ratings must be a units x raters table, got shape {table.shape}")
    units = [[x for x in row if not _missing(x)] for row in table]
    return [u for u in units if len(u) >= 2]


def _encode(units: list[list[object]], level: str) -> tuple[np.ndarray, list[np.ndarray]]:
    if level == "nominal":
        index: dict[object, int] = {}
        codes = [np.array([index.setdefault(x, len(index)) for x in u]) for u in units]
        return np.arange(len(index), dtype=float), codes
    try:
        numbers = [np.array([float(x) for x in u]) for u in units]  # type: ignore[arg-type]
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{level} alpha needs numeric ratings: {exc}") from None
    values = np.unique(np.concatenate(numbers))
    return values, [np.searchsorted(values, u) for u in numbers]


def _coincidences(codes: list[np.ndarray], n_values: int) -> np.ndarray:
    counts = np.stack([np.bincount(c, minlength=n_values) for c in codes]).astype(float)
    weighted = counts / (counts.sum(axis=1, keepdims=True) - 1)
    return weighted.T @ counts - np.diag(weighted.sum(axis=0))


def _delta2(level: str, values: np.ndarray, n_c: np.ndarray) -> np.ndarray:
    if level == "nominal":
        return 1.0 - np.eye(len(values))
    if level == "interval":
        return np.subtract.outer(values, values) ** 2
    if level == "ratio":
        diff, total = np.subtract.outer(values, values), np.add.outer(values, values)
        return np.divide(diff, total, out=np.zeros_like(diff), where=total != 0) ** 2
    # Krippendorff's rank-based ordinal metric: the mass of values between c and k, minus half of
    # the two end values' own mass.
    idx = np.arange(len(values))
    lo, hi = np.minimum.outer(idx, idx), np.maximum.outer(idx, idx)
    cum = np.cumsum(n_c)
    between = cum[hi] - cum[lo] + n_c[lo]
    return (between - (n_c[lo] + n_c[hi]) / 2) ** 2


def krippendorff_alpha(ratings: Ratings, level: Level = "nominal") -> float:
    """Krippendorff's alpha from the coincidence matrix (Cohen 1960; Krippendorff 2011).

    alpha = 1 - (n - 1) * sum(o_ck * d_ck) / sum(n_c * n_k * d_ck), with d the squared distance of
    the level: nominal (0/1), ordinal (Krippendorff's rank-based metric), interval ((c - k)^2) or
    ratio (((c - k) / (c + k))^2).

    Args:
        ratings: Units x raters table; None or NaN marks a missing rating. Nominal labels may be
            any hashable values (e.g. Chinese strings); other levels need numbers.
        level: Level of measurement.

    Returns:
        Alpha over the units with two or more ratings; NaN when undefined (no such unit, or a
        single value observed).

    Raises:
        ValueError: On an unknown level, a non-2-D table, or text for a numeric level.
    """
    if level not in _LEVELS:
        raise ValueError(f"level must be one of {_LEVELS}, got {level!r}")
    units = _pairable_units(ratings)
    if not units:
        return math.nan
    values, codes = _encode(units, level)
    o = _coincidences(codes, len(values))
    n_c = o.sum(axis=1)
    d2 = _delta2(level, values, n_c)
    expected = float((np.outer(n_c, n_c) * d2).sum())
    return math.nan if expected == 0 else 1.0 - (n_c.sum() - 1) * float((o * d2).sum()) / expected


def _pairs(a: Labels, b: Labels) -> list[tuple[object, object]]:
    if len(a) != len(b):
        raise ValueError(f"raters rated different numbers of units: {len(a)} vs {len(b)}")
    return [(x, y) for x, y in zip(a, b, strict=True) if not (_missing(x) or _missing(y))]


def _label_order(pairs: list[tuple[object, object]]) -> list[object]:
    seen = list(dict.fromkeys(itertools.chain.from_iterable(pairs)))
    try:
        return sorted(seen)  # type: ignore[type-var]
    except TypeError:  # mixed label types (1 and "x"): a stable order by type, then value
        return sorted(seen, key=lambda v: (type(v).__name__, str(v)))


def _disagreement_weights(r: int, weights: Weights | None) -> np.ndarray:
    if weights not in (None, "linear", "quadratic"):
        raise ValueError(f"weights must be None, 'linear' or 'quadratic', got {weights!r}")
    if weights is None or r < 2:
        return 1.0 - np.eye(r)
    dist = np.abs(np.subtract.outer(np.arange(r), np.arange(r))) / (r - 1)
    return dist if weights == "linear" else dist**2


def _confusion(pairs: list[tuple[object, object]], order: list[object]) -> np.ndarray:
    index = {label: i for i, label in enumerate(order)}
    table = np.zeros((len(order), len(order)))
    for x, y in pairs:
        if x not in index or y not in index:
            raise ValueError(f"rating {x if x not in index else y!r} is not in labels {order!r}")
        table[index[x], index[y]] += 1
    return table


def cohen_kappa(
    a: Labels, b: Labels, weights: Weights | None = None, labels: Labels | None = None
) -> float:
    """Cohen's kappa, optionally weighted, for two raters (Cohen 1960; Krippendorff 2011).

    kappa_w = 1 - sum(w_ij o_ij) / sum(w_ij e_ij) with disagreement weights 0/1 (unweighted, equal
    to (p_o - p_e) / (1 - p_e)), |i - j| / (r - 1) (linear) or (i - j)^2 / (r - 1)^2 (quadratic).

    Args:
        a: First rater's ratings; None or NaN marks a missing rating.
        b: Second rater's ratings, aligned with ``a``. Pairs with a missing rating are dropped.
        weights: None, "linear" or "quadratic".
        labels: Ordered categories; weighted kappa takes their order from here. Defaults to the
            sorted observed labels (first-seen order when they do not sort).

    Returns:
        Kappa; NaN when undefined (no pairs, or chance agreement is 1).

    Raises:
        ValueError: On unequal lengths, an unknown weighting, or a rating missing from ``labels``.
    """
    pairs = _pairs(a, b)
    order = list(labels) if labels is not None else _label_order(pairs)
    w = _disagreement_weights(len(order), weights)
    if not pairs:
        return math.nan
    observed = _confusion(pairs, order) / len(pairs)
    expected = float((w * np.outer(observed.sum(axis=1), observed.sum(axis=0))).sum())
    return math.nan if expected == 0 else 1.0 - float((w * observed).sum()) / expected


def fleiss_kappa(counts: npt.ArrayLike) -> float:
    """Fleiss' kappa from an items x categories count matrix (Cohen 1960; Krippendorff 2011).

    kappa = (P_bar - P_e) / (1 - P_e); NaN when every rating falls in one category.

    Args:
        counts: n_ij = raters who put item i in category j; every row sums to the same n >= 2
            (Fleiss' kappa admits no missing ratings).

    Raises:
        ValueError: On a malformed matrix, negative counts or unequal row totals.
    """
    table = np.asarray(counts, dtype=float)
    if table.ndim != 2 or table.shape[0] == 0 or (table < 0).any():
        raise ValueError("counts must be a non-empty items x categories matrix of counts >= 0")
    per_item = table.sum(axis=1)
    n = float(per_item[0])
    if not np.all(per_item == n) or n < 2:
        raise ValueError(f"every item needs the same number (>= 2) of raters, got {per_item}")
    p_j = table.sum(axis=0) / table.sum()
    p_i = ((table**2).sum(axis=1) - n) / (n * (n - 1))
    p_e = float((p_j**2).sum())
    return math.nan if math.isclose(p_e, 1.0) else (float(p_i.mean()) - p_e) / (1.0 - p_e)


def percent_agreement(a: Labels, b: Labels) -> float:
    """Share of units on which two raters give the same rating, over units both rated.

    Report it beside kappa: with skewed prevalence it can be high while kappa is low
    (Cohen 1960; Krippendorff 2011, pitfalls). NaN when the raters share no unit.
    """
    pairs = _pairs(a, b)
    return sum(x == y for x, y in pairs) / len(pairs) if pairs else math.nan


def interpret_kappa(k: float) -> str:
    """Landis & Koch (1977) band for a kappa; "undefined" for NaN."""
    if math.isnan(k):
        return "undefined"
    if k < 0:
        return "poor"
    return next((name for top, name in _KAPPA_BANDS if k <= top), "almost perfect")


def interpret_alpha(a: float) -> str:
    """Krippendorff (2004) verdict: >= .800 reliable, >= .667 tentative."""
    if math.isnan(a):
        return "undefined"
    return "reliable" if a >= 0.800 else "tentative" if a >= 0.667 else "unreliable"


@dataclass(frozen=True)
class AgreementReport:
    """How much a judge panel agrees (Cohen 1960; Krippendorff 2011)."""

    alpha: float
    """Krippendorff's alpha over all judges at ``level``."""
    level: str
    """Level of measurement used for alpha."""
    n_units: int
    """Units rated by at least two judges (the ones alpha uses)."""
    n_judges: int
    """Judges in the panel."""
    pairwise_agreement: dict[tuple[str, str], float]
    """Percent agreement for each judge pair (names sorted), over units both rated."""
    kappa_vs_majority: dict[str, float]
    """Each judge's Cohen's kappa against the panel's strict-majority label (nominal)."""


def _majority(row: Sequence[object]) -> object:
    present = [x for x in row if not _missing(x)]
    if len(present) < 2:
        return None
    label, count = Counter(present).most_common(1)[0]
    return label if count * 2 > len(present) else None


def panel_agreement(
    verdicts: Mapping[str, Mapping[Hashable, object]], level: Level = "nominal"
) -> AgreementReport:
    """Agreement statistics for a judge panel (Cohen 1960; Krippendorff 2011).

    Args:
        verdicts: judge -> {unit_id: rating}; a judge may miss units (e.g. after a timeout).
        level: Level of measurement for alpha.

    Returns:
        Alpha, counts, pairwise percent agreement, and per-judge kappa against the majority label.
        The majority includes the judge itself, so that kappa is optimistic; units with fewer
        than two ratings or without a strict majority are left out of it.
    """
    judges = sorted(verdicts)
    unit_ids = sorted({u for v in verdicts.values() for u in v}, key=repr)
    table = [[verdicts[j].get(u) for j in judges] for u in unit_ids]
    columns = {j: [row[i] for row in table] for i, j in enumerate(judges)}
    majority = [_majority(row) for row in table]
    return AgreementReport(
        alpha=krippendorff_alpha(table, level) if table else math.nan,
        level=level,
        n_units=sum(sum(not _missing(x) for x in row) >= 2 for row in table),
        n_judges=len(judges),
        pairwise_agreement={
            (x, y): percent_agreement(columns[x], columns[y])
            for x, y in itertools.combinations(judges, 2)
        },
        kappa_vs_majority={j: cohen_kappa(columns[j], majority) for j in judges},
    )
