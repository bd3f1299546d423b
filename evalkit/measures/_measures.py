"""The headline measures of one run, per language (and category where it matters)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pandas as pd

from evalkit.measures._hallucination import (
    MIN_OVERRIDE_JUDGES,
    TIERS,
    decision_shares,
    final_labels,
    hallucination,
    refusal,
)
from evalkit.measures._mixing import code_mixed, parity

if TYPE_CHECKING:
    from evalkit.store import Store


@dataclass
class Measures:
    """Hallucination, refusal, code-mixed quality and cross-lingual parity of a run.

    Attributes:
        run_id: The run.
        hallucination: Per task x language: SimpleQA-style grades and rates.
        refusal: Per language (and per language x category in ``refusal_by_category``).
        refusal_by_category: Harmful-compliance and over-refusal per harm category.
        code_mixed: Fidelity, terminology, naturalness and mixing statistics.
        parity: Paired en-minus-zh gaps per task.
        notes: Warnings (a panel too small to override the deterministic grade disagreed).
    """

    run_id: str
    hallucination: pd.DataFrame
    refusal: pd.DataFrame
    refusal_by_category: pd.DataFrame
    code_mixed: pd.DataFrame
    parity: pd.DataFrame
    notes: list[str] = field(default_factory=list)

    def tables(self) -> dict[str, pd.DataFrame]:
        """Every table by name."""
        return {
            "hallucination": self.hallucination,
            "refusal": self.refusal,
            "refusal_by_category": self.refusal_by_category,
            "code_mixed": self.code_mixed,
            "parity": self.parity,
        }

    def render(self, fmt: str = "table", *, brief: bool = False) -> str:
        """As text tables, Markdown or JSON; ``brief`` leaves out the per-category table."""
        if fmt == "json":
            import json

            return json.dumps(
                {k: json.loads(v.to_json(orient="records")) for k, v in self.tables().items()},
                ensure_ascii=False,
                indent=2,
            )
        out = [f"warning: {n}" for n in self.notes]
        for name, table in self.tables().items():
            if brief and name == "refusal_by_category":
                continue
            out.append(f"## {name}" if fmt == "md" else f"-- {name}")
            if table.empty:
                out.append("(no items)")
            elif fmt == "md":
                out.append(table.to_markdown(index=False, floatfmt=".3f"))
            else:
                out.append(table.to_string(index=False, float_format=lambda v: f"{v:.3f}"))
            out.append("")
        return "\n".join(out)

    def _repr_html_(self) -> str:
        parts = [f"<h4>{name}</h4>" + t.to_html(index=False, float_format="%.3f", escape=True)
                 for name, t in self.tables().items()]  # fmt: skip
        return "".join(parts)


def measures(store: Store, run: str) -> Measures:
    """Compute the headline measures of a stored run.

    Judge verdicts (``judge_*`` scores) decide where the rules left a reply unsure, and
    override a decided label only with ``MIN_OVERRIDE_JUDGES`` judges; elsewhere the
    deterministic tier's labels are used. ``decided_rules``, ``decided_cheap``,
    ``decided_panel`` and ``unsure`` say who decided, per slice.
    """
    run_id = store.resolve_run_id(run)
    scores = _scores(store, run_id)
    responses = store.responses_frame(run_id)
    return Measures(
        run_id=run_id,
        hallucination=hallucination(scores, ["task", "lang"]),
        refusal=refusal(scores, ["lang"]),
        refusal_by_category=refusal(scores, ["lang", "category"]),
        code_mixed=code_mixed(scores, responses, ["lang"]),
        parity=parity(scores),
        notes=_overruled_notes(scores),
    )


def _scores(store: Store, run_id: str) -> pd.DataFrame:
    """The run's scores with the false-premise tag and each judge score's panel size and tier."""
    false_premise = {i.id for i in store.run_items(run_id) if "false_premise" in i.tags}
    scores = store.scores_frame(run_id)
    scores["false_premise"] = scores["item_id"].isin(false_premise)
    return scores.merge(
        store.judge_panel_sizes(run_id), on=["item_id", "repeat", "metric"], how="left"
    )


JUDGED_MEASURES = (("grade", "judge_grade"), ("refusal_label", "judge_refusal_label"))
"""The deterministic labels a judge tier may settle, and the judge score that settles each."""


def decisions(store: Store, run: str) -> pd.DataFrame:
    """Who decided the replies of a run, per measure with a deterministic tier (QA ``grade``,
    ``refusal_label``): ``n`` replies and the shares ``decided_rules``, ``decided_cheap``,
    ``decided_panel`` and ``unsure`` (they add up to one; see `TIERS`)."""
    scores = _scores(store, store.resolve_run_id(run))
    rows = []
    for rules, judged in JUDGED_MEASURES:
        labelled = final_labels(scores, judged, rules)
        if len(labelled):
            rows.append({"measure": rules, "n": len(labelled), **decision_shares(labelled)})
    return pd.DataFrame(rows, columns=["measure", "n", *TIERS])


def _overruled_notes(scores: pd.DataFrame) -> list[str]:
    notes = []
    for rules, judged in JUDGED_MEASURES:
        merged = final_labels(scores, judged, rules)
        n = int(merged["overruled"].sum())
        if n:
            notes.append(
                f"a panel of fewer than {MIN_OVERRIDE_JUDGES} judges disagreed with the "
                f"deterministic {rules} on {n} decided replies; the deterministic label was "
                "kept (both views: `evalkit judge` prints the panel's agreement)"
            )
    return notes
