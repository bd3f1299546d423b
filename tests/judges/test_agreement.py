from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

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

nan = math.nan

# Krippendorff (2011), "Computing Krippendorff's alpha-reliability": 4 observers x 12 units,
# transposed here to units x raters. Also the documented example of the `krippendorff` package.
K2011 = np.array(
    [
        [1, 2, 3, 3, 2, 1, 4, 1, 2, nan, nan, nan],
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, nan, 3],
        [nan, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, nan],
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, nan],
    ]
).T

# Docstring example of the `krippendorff` package (3 raters x 15 units), transposed.
PKG_DOC = np.array(
    [
        [nan, nan, nan, nan, nan, 3, 4, 1, 2, 1, 1, 3, 3, nan, 3],
        [1, nan, 2, 1, 3, 3, 4, 3, nan, nan, nan, nan, nan, nan, nan],
        [nan, nan, 2, 1, 3, 4, 4, nan, 2, 1, 1, 3, 3, nan, 4],
    ]
).T

# Fleiss (1971) as tabulated on Wikipedia: 10 items, 14 raters, 5 categories; kappa = 0.210.
FLEISS_1971 = [
    [0, 0, 0, 0, 14],
    [0, 2, 6, 4, 2],
    [0, 0, 3, 5, 6],
    [0, 3, 9, 2, 0],
    [2, 2, 8, 1, 1],
    [7, 7, 0, 0, 0],
    [3, 2, 6, 3, 0],
    [2, 5, 3, 2, 2],
    [6, 5, 2, 1, 0],
    [0, 2, 2, 3, 7],
]


def _from_table(table: list[list[int]], labels: list[object]) -> tuple[list[object], list[object]]:
    a: list[object] = []
    b: list[object] = []
    for i, row in enumerate(table):
        for j, count in enumerate(row):
            a += [labels[i]] * count
            b += [labels[j]] * count
    return a, b


@pytest.mark.parametrize(
    ("data", "level", "expected", "tol"),
    [
        (K2011, "nominal", 0.743, 5e-4),
        (K2011, "ordinal", 0.815, 5e-4),
        (K2011, "interval", 0.849, 5e-4),
        (K2011, "ratio", 0.797, 5e-4),
        (PKG_DOC, "nominal", 0.691358, 1e-6),
        (PKG_DOC, "interval", 0.810845, 1e-6),
    ],
)
def test_alpha_matches_published_examples(data, level, expected, tol):
    assert krippendorff_alpha(data, level) == pytest.approx(expected, abs=tol)


def test_alpha_treats_none_like_nan():
    as_none = [[None if math.isnan(x) else x for x in row] for row in K2011.tolist()]
    assert krippendorff_alpha(as_none) == pytest.approx(krippendorff_alpha(K2011), abs=1e-12)


def test_alpha_drops_units_with_fewer_than_two_ratings():
    extra = np.vstack([K2011, [7, nan, nan, nan], [nan, nan, nan, nan]])
    assert krippendorff_alpha(extra, "interval") == pytest.approx(
        krippendorff_alpha(K2011, "interval"), abs=1e-12
    )


def test_alpha_is_one_on_perfect_agreement():
    assert krippendorff_alpha([[1, 1, None], [2, 2, 2], [3, None, 3]], "ordinal") == 1.0


def test_alpha_is_near_zero_for_independent_raters():
    ratings = np.random.default_rng(7).integers(0, 3, size=(4000, 3))
    assert krippendorff_alpha(ratings) == pytest.approx(0.0, abs=0.02)


def test_alpha_is_nan_when_only_one_value_is_used():
    assert math.isnan(krippendorff_alpha([["是", "是"], ["是", None], ["是", "是"]]))


def test_alpha_is_nan_without_a_pairable_unit():
    assert math.isnan(krippendorff_alpha([[1, None], [None, 2]]))


def test_alpha_accepts_chinese_labels_for_nominal_data():
    codes = {1: "通过", 2: "不通过", 3: "部分"}
    labelled = [[None if math.isnan(x) else codes[int(x) % 3 + 1] for x in row] for row in K2011]
    coded = [[nan if math.isnan(x) else int(x) % 3 for x in row] for row in K2011]
    assert krippendorff_alpha(labelled) == pytest.approx(krippendorff_alpha(coded), abs=1e-12)


def test_alpha_rejects_text_for_interval_data():
    with pytest.raises(ValueError, match="numeric"):
        krippendorff_alpha([["高", "低"], ["低", "低"]], "interval")


def test_alpha_rejects_unknown_level():
    with pytest.raises(ValueError, match="level"):
        krippendorff_alpha(K2011, "cardinal")  # type: ignore[arg-type]


# Wikipedia "Cohen's kappa" worked examples: [[yes/yes, yes/no], [no/yes, no/no]].
@pytest.mark.parametrize(
    ("table", "expected"),
    [
        ([[20, 5], [10, 15]], 0.4),
        ([[45, 15], [25, 15]], 0.1304),
        ([[25, 35], [5, 35]], 0.2593),
    ],
)
def test_cohen_kappa_matches_textbook_tables(table, expected):
    a, b = _from_table(table, ["yes", "no"])
    assert cohen_kappa(a, b) == pytest.approx(expected, abs=1e-4)


# Confusion [[2, 1, 0], [0, 2, 1], [1, 0, 3]]: sum(w*o) / sum(w*e) by hand is 0.15 / 0.345
# (quadratic) and 0.2 / 0.45 (linear).
@pytest.mark.parametrize(("weights", "expected"), [("quadratic", 13 / 23), ("linear", 5 / 9)])
def test_weighted_kappa_matches_the_formula(weights, expected):
    a, b = _from_table([[2, 1, 0], [0, 2, 1], [1, 0, 3]], [1, 2, 3])
    assert cohen_kappa(a, b, weights) == pytest.approx(expected, abs=1e-12)


def test_weighted_kappa_takes_order_from_labels():
    a, b = _from_table([[2, 1, 0], [0, 2, 1], [1, 0, 3]], ["低", "中", "高"])
    got = cohen_kappa(a, b, "quadratic", labels=["低", "中", "高"])
    assert got == pytest.approx(13 / 23, abs=1e-12)


def test_cohen_kappa_is_one_on_perfect_agreement():
    assert cohen_kappa(["a", "b", "c", "a"], ["a", "b", "c", "a"]) == 1.0


def test_cohen_kappa_is_near_zero_for_independent_raters():
    rng = np.random.default_rng(3)
    a, b = rng.integers(0, 2, 20000), rng.integers(0, 2, 20000)
    assert cohen_kappa(a, b) == pytest.approx(0.0, abs=0.02)


def test_cohen_kappa_drops_pairs_with_a_missing_rating():
    assert cohen_kappa([1, 2, None, 1], [1, 2, 2, nan]) == 1.0


def test_cohen_kappa_is_nan_when_both_raters_use_one_label():
    assert math.isnan(cohen_kappa(["对", "对"], ["对", "对"]))


def test_cohen_kappa_rejects_a_rating_outside_labels():
    with pytest.raises(ValueError, match="not in labels"):
        cohen_kappa([1, 4], [1, 2], "linear", labels=[1, 2, 3])


def test_cohen_kappa_rejects_unequal_lengths():
    with pytest.raises(ValueError, match="different numbers"):
        cohen_kappa([1, 2], [1])


def test_cohen_kappa_rejects_unknown_weights():
    with pytest.raises(ValueError, match="weights"):
        cohen_kappa([1, 2], [1, 2], "cubic")  # type: ignore[arg-type]


def test_fleiss_kappa_matches_fleiss_1971_example():
    assert fleiss_kappa(FLEISS_1971) == pytest.approx(0.210, abs=5e-4)


def test_fleiss_kappa_is_one_on_perfect_agreement():
    assert fleiss_kappa([[3, 0], [0, 3], [3, 0]]) == 1.0


def test_fleiss_kappa_is_nan_with_one_category():
    assert math.isnan(fleiss_kappa([[4, 0], [4, 0]]))


def test_fleiss_kappa_rejects_unequal_rater_counts():
    with pytest.raises(ValueError, match="same number"):
        fleiss_kappa([[2, 1], [1, 1]])


def test_percent_agreement_counts_only_units_both_rated():
    assert percent_agreement(["是", "否", None, "是"], ["是", "是", "否", "是"]) == 2 / 3


def test_percent_agreement_is_nan_without_shared_units():
    assert math.isnan(percent_agreement([1, None], [None, 1]))


@pytest.mark.parametrize(
    ("k", "band"),
    [
        (-0.1, "poor"),
        (0.0, "slight"),
        (0.20, "slight"),
        (0.21, "fair"),
        (0.40, "fair"),
        (0.60, "moderate"),
        (0.80, "substantial"),
        (0.81, "almost perfect"),
        (1.0, "almost perfect"),
        (nan, "undefined"),
    ],
)
def test_interpret_kappa_uses_landis_koch_bands(k, band):
    assert interpret_kappa(k) == band


@pytest.mark.parametrize(
    ("a", "verdict"),
    [
        (0.800, "reliable"),
        (0.799, "tentative"),
        (0.667, "tentative"),
        (0.666, "unreliable"),
        (nan, "undefined"),
    ],
)
def test_interpret_alpha_uses_krippendorff_thresholds(a, verdict):
    assert interpret_alpha(a) == verdict


PANEL = {
    "gpt": {"q1": "通过", "q2": "不通过", "q3": "通过", "q4": "通过"},
    "claude": {"q1": "通过", "q2": "不通过", "q3": "不通过"},
    "qwen": {"q1": "通过", "q2": "通过", "q4": "通过", "q5": "不通过"},
}


def test_panel_alpha_matches_the_units_by_judges_table():
    table = [[PANEL[j].get(u) for j in sorted(PANEL)] for u in ["q1", "q2", "q3", "q4", "q5"]]
    assert panel_agreement(PANEL).alpha == pytest.approx(krippendorff_alpha(table), abs=1e-12)


def test_panel_counts_pairable_units_and_judges():
    report = panel_agreement(PANEL)
    assert (report.n_units, report.n_judges) == (4, 3)


def test_panel_pairwise_agreement_uses_shared_units():
    assert panel_agreement(PANEL).pairwise_agreement[("claude", "gpt")] == 2 / 3


def test_panel_kappa_against_majority_skips_units_without_one():
    # Majorities: q1 通过, q2 不通过, q4 通过; q3 is a tie and q5 has a single rating.
    assert panel_agreement(PANEL).kappa_vs_majority["gpt"] == 1.0


def test_panel_report_is_frozen():
    report = panel_agreement(PANEL, "nominal")
    with pytest.raises(dataclasses.FrozenInstanceError):
        report.alpha = 1.0  # type: ignore[misc]
    assert isinstance(report, AgreementReport)


def test_pandas_missing_values_are_missing_ratings_not_a_label():
    import pandas as pd

    from evalkit.judges import cohen_kappa

    with_na = cohen_kappa(["a", "b", pd.NA, "a"], ["a", "b", "a", "b"])
    assert with_na == pytest.approx(cohen_kappa(["a", "b", "a"], ["a", "b", "b"]))
    assert cohen_kappa([1, 2, None, "x"], [1, 2, 1, "x"]) == pytest.approx(1.0)
