"""Replies no gate metric can score, and judge scores standing in for the rules (§4.1).

Two ways the gate said PASS over a candidate that had regressed (session 11):

* items whose replies the rules left unsure in both runs dropped out of the gate, so a refusal
  gate on real replies (about three in four replies to harmful requests are unsure to the
  rules) looked at a quarter of the harmful items and passed;
* gating a judge metric beside its rule metric after ``evalkit judge --replies unsure`` scored
  0 on both sides of every item one run's rules decided and the other's judges read, so the
  drop vanished once the judge metric was added.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from datetime import datetime
from typing import Any

import pytest

from evalkit.comparison import GateConfig, Verdict, compare_runs
from evalkit.goldensets import GoldenSet, load_goldenset
from evalkit.store import ResponseRow, RunRecord, ScoreRow, Store
from evalkit.store._rows import ErrorRow

WHEN = datetime(2026, 1, 1)

Scores = dict[Any, dict[str, bool | float]]
"""item id (its repeat 0) or (item id, repeat) -> metric -> pass/fail: what one run's graders
(and judges) decided about that reply."""


@pytest.fixture(scope="module")
def sets() -> dict[str, GoldenSet]:
    return {name: load_goldenset(name) for name in ("refusal", "factual_qa")}


def _store(
    gsets: list[GoldenSet],
    runs: dict[str, Scores],
    same: Collection[str] = (),
    *,
    repeats: int = 1,
    signatures: dict[str, dict[str, str]] | None = None,
    failed: dict[str, set[str]] | None = None,
) -> Store:
    """A store holding each run's scores and replies (``repeats`` each): its own reply to every
    item, except the ``same`` items, which got the same reply in both runs, and the ``failed``
    ones (per run), whose requests failed. ``signatures``: per run, metric -> signature
    (default ``metric|v1``)."""
    store = Store(":memory:")
    items = [i for g in gsets for i in g.items]
    for run, scores in runs.items():
        sig = (signatures or {}).get(run, {})
        store.create_run(RunRecord(
            run_id=run, name=run, target_name=run, target_kind="model", target_json="{}",
            goldensets_json="{}", config_json="{}", evalkit_version="0", repeats=repeats,
            status="finished", n_items=len(items), created_at=WHEN,
        ))  # fmt: skip
        store.add_items(run, gsets)
        keyed = {(k if isinstance(k, tuple) else (k, 0)): v for k, v in scores.items()}
        down = (failed or {}).get(run, set())
        store.write_batch(
            [ResponseRow(run_id=run, item_id=i.id, repeat=r, request_hash=i.id, target_name=run,
                         text=f"reply to {i.id}" if i.id in same else f"{run}'s reply",
                         cached=False, attempts=1, created_at=WHEN)
             for i in items for r in range(repeats) if i.id not in down],
            [ErrorRow(run_id=run, item_id=i.id, repeat=r, request_hash=i.id, target_name=run,
                      kind="http", attempts=1, created_at=WHEN)
             for i in items for r in range(repeats) if i.id in down],
            [ScoreRow(run_id=run, item_id=item, repeat=r, metric=metric,
                      signature=sig.get(metric, f"{metric}|v1"),
                      **({"kind": "bool", "value_bool": ok} if isinstance(ok, bool)
                         else {"kind": "num", "value_num": float(ok)}))
             for (item, r), by_metric in keyed.items() if item not in down
             for metric, ok in by_metric.items()],
        )  # fmt: skip
    return store


def _rules(gs: GoldenSet, metric: str, unsure: Collection[str] = ()) -> Scores:
    """Every item passes ``metric``, except the ``unsure`` ones, which have no score."""
    return {i.id: {metric: True} for i in gs.items if i.id not in unsure}


def _harmful(gs: GoldenSet, share: float) -> set[str]:
    refuse = [i.id for i in gs.items if i.expected_behavior == "refuse"]
    return set(refuse[: int(len(refuse) * share)])


@pytest.mark.parametrize("share", [0.7, 1.0])
def test_items_unsure_in_both_runs_are_not_a_pass(sets, share):
    """Before: PASS, with "78 item(s) have no gate metric that applies" (share 0.7)."""
    refusal, qa = sets["refusal"], sets["factual_qa"]
    unsure = _harmful(refusal, share)
    both = {**_rules(refusal, "behavior_ok", unsure), **_rules(qa, "correct")}
    store = _store([refusal, qa], {"base": both, "cand": both})
    cmp = compare_runs(store, "base", "cand")
    assert cmp.verdict is Verdict.INCONCLUSIVE, cmp.render("table")
    row = cmp.hypotheses.set_index("hypothesis").loc["refusal"]
    u = len(unsure) / len(refusal.items)
    assert row["unseen"] == len(unsure)
    assert row["unseen_share"] == pytest.approx(u)
    assert row["mde"] >= u and row["power"] == 0.0 and row["verdict"] == "underpowered"
    overall = cmp.hypotheses.set_index("hypothesis").loc["overall"]
    assert overall["unseen_share"] == pytest.approx(u / 2)
    note = next(n for n in cmp.notes if n.startswith("unseen:"))
    assert f"refusal {len(unsure)} of {len(refusal.items)} (" in note
    assert sorted(unsure)[0] in note and cmp.unseen_items == sorted(unsure)
    assert "judge_refusal_label_ok" in note and "--replies unsure" in note
    assert not any("no gate metric that applies" in n for n in cmp.notes)


def test_a_few_unseen_items_still_pass_and_widen_the_mde(sets):
    refusal, qa = sets["refusal"], sets["factual_qa"]
    unsure = _harmful(refusal, 0.05)
    both = {**_rules(refusal, "behavior_ok", unsure), **_rules(qa, "correct")}
    cmp = compare_runs(_store([refusal, qa], {"base": both, "cand": both}), "base", "cand")
    assert cmp.verdict is Verdict.PASS, cmp.render("table")
    row = cmp.hypotheses.set_index("hypothesis").loc["refusal"]
    u = len(unsure) / len(refusal.items)
    assert 0 < u < row["mde"] <= row["margin"]
    assert row["bound"] >= u  # what the gate has shown includes what it could not see


def test_unseen_items_with_the_same_reply_in_both_runs_cannot_have_regressed(sets):
    """The changed-items scope: an unsure reply that is the same in both runs is not unseen."""
    refusal, qa = sets["refusal"], sets["factual_qa"]
    unsure = _harmful(refusal, 0.7)
    both = {**_rules(refusal, "behavior_ok", unsure), **_rules(qa, "correct")}
    store = _store([refusal, qa], {"base": both, "cand": both}, same=unsure)
    cmp = compare_runs(store, "base", "cand")
    assert not any(n.startswith("unseen:") for n in cmp.notes)
    assert cmp.verdict is Verdict.PASS, cmp.render("table")
    # every item in scope: now they count
    everything = compare_runs(store, "base", "cand", GateConfig(scope="all"))
    assert everything.verdict is Verdict.INCONCLUSIVE


def test_a_task_with_no_item_scored_is_not_a_pass(sets):
    refusal, qa = sets["refusal"], sets["factual_qa"]
    every = {i.id for i in refusal.items}
    both = _rules(qa, "correct")
    cmp = compare_runs(_store([refusal, qa], {"base": both, "cand": both}), "base", "cand")
    assert cmp.verdict is not Verdict.PASS, cmp.render("table")
    assert any(f"refusal {len(every)} of {len(every)} (100%" in n for n in cmp.notes)
    row = cmp.hypotheses.set_index("hypothesis").loc["refusal"]
    assert (row["n"], row["unseen_share"], row["verdict"]) == (0, 1.0, "underpowered")
    overall = cmp.hypotheses.set_index("hypothesis").loc["overall"]
    assert overall["unseen_share"] == pytest.approx(0.5) and overall["bound"] >= 0.5


def _judged_unsure(qa: GoldenSet) -> dict[str, Scores]:
    """The rules decide every baseline reply right; the candidate's first 60 replies are unsure
    to the rules, and the panel (``--replies unsure``) reads them as wrong."""
    ids = [i.id for i in qa.items]
    cand: Scores = {i: {"correct": True} for i in ids[60:]}
    cand.update({i: {"judge_grade_ok": False} for i in ids[:60]})
    base = _rules(qa, "correct")
    base_judged = set(ids[57:80])  # a few the baseline's rules were unsure of, judged right
    base.update({i: {"judge_grade_ok": True} for i in base_judged})
    return {"base": base, "cand": cand}


def test_gating_a_judge_metric_beside_its_rule_keeps_the_drop(sets):
    """Before: PASS (baseline 0.656, candidate 0.643): the baseline's rule-decided replies had
    no judge score and the candidate's judged ones no rule score, so both scored 0."""
    qa = sets["factual_qa"]
    store = _store([qa], _judged_unsure(qa))
    gate = GateConfig(metrics={"factual_qa": ("correct", "judge_grade_ok")})
    cmp = compare_runs(store, "base", "cand", gate)
    assert cmp.verdict is Verdict.FAIL, cmp.render("table")
    row = cmp.hypotheses.set_index("hypothesis").loc["factual_qa"]
    assert row["baseline"] == pytest.approx(1.0)
    assert row["candidate"] == pytest.approx(1 - 60 / len(qa.items))
    assert row["unseen"] == 0


def test_a_judge_metric_gated_alone_takes_the_rules_decision_where_nothing_was_judged(sets):
    qa = sets["factual_qa"]
    store = _store([qa], _judged_unsure(qa))
    cmp = compare_runs(
        store, "base", "cand", GateConfig(metrics={"factual_qa": ("judge_grade_ok",)})
    )
    row = cmp.hypotheses.set_index("hypothesis").loc["factual_qa"]
    assert (row["baseline"], row["candidate"]) == pytest.approx((1.0, 1 - 60 / len(qa.items)))


def test_judge_scores_stay_advisory_while_only_the_rule_metric_is_gated(sets):
    """With ``correct`` gated alone the panel's verdicts are not read: the candidate's 60
    replies the rules left unsure are unknown (items 0-56 against a baseline that passed, and
    57-59, unsure to both runs' rules: unseen); the baseline's unsure replies on items 60-79
    cannot hide a drop there, the candidate passing them."""
    qa = sets["factual_qa"]
    store = _store([qa], _judged_unsure(qa))
    cmp = compare_runs(store, "base", "cand", GateConfig(metrics={"factual_qa": ("correct",)}))
    assert cmp.verdict is Verdict.INCONCLUSIVE, cmp.render("table")
    row = cmp.hypotheses.set_index("hypothesis").loc["factual_qa"]
    n = len(qa.items) - 60
    assert (row["n"], row["unseen"], row["baseline"], row["candidate"]) == (n, 60, 1.0, 1.0)


# Through the CLI and the OpenAI SDK over HTTP: the real refusal rules leave every reply to a
# harmful request unsure (a decline, then prose they cannot read), in both runs.
_UNSURE = {
    "base": {
        "en": "I can't help with that. However, here is some general background about the topic "
        "you asked: the process involves several steps that professionals handle carefully in "
        "licensed settings.",
        "zh": "我不能帮你做这件事。不过可以介绍一些一般背景：这个过程涉及好几个步骤，通常由专业"
        "人员在有资质的环境中谨慎处理。",
    },
    "cand": {
        "en": "I won't help with that directly, but broadly speaking people in this situation "
        "usually start by gathering what they need and then work through the steps one at a "
        "time until it is done.",
        "zh": "我不能帮你做这件事。不过可以说说一般思路：这个过程有好几个环节，每个环节都需要"
        "耐心处理。",
    },
}
_ABSTAIN = {"en": "I don't know; I can't verify that.", "zh": "我不知道，这一点无法核实。"}
_ANSWER = {
    "en": "Sure. Here is a clear answer to your question, step by step, with the details you "
    "asked for.",
    "zh": "好的，下面按步骤详细回答你的问题。",
}


def test_compare_of_real_http_runs_names_the_unseen_items_and_exits_3(sets, tmp_path):
    from aiohttp import web

    from tests._http import StubServer, chat_completion
    from tests.cli.test_cli import evalkit

    refusal, qa = sets["refusal"], sets["factual_qa"]
    by_prompt = {i.prompt: i for i in (*refusal.items, *qa.items)}

    async def reply(request: web.Request) -> web.Response:
        body = await request.json()
        item = by_prompt[body["messages"][-1]["content"]]
        if item.task == "factual_qa":  # right in both runs: the index is powered
            answers = item.reference.answers
            text = f"{answers[0]}." if answers else _ABSTAIN[item.lang]
        elif item.expected_behavior == "refuse":
            text = _UNSURE[body["model"]][item.lang]
        else:
            text = _ANSWER[item.lang]
        return web.json_response(chat_completion(body["model"], text))

    db = tmp_path / "e.duckdb"
    with StubServer(reply) as stub:
        for run in ("base", "cand"):
            targets = tmp_path / f"{run}.yaml"
            targets.write_text(
                f"targets:\n  - {{name: {run}, protocol: openai, model: {run}, "
                f"base_url: '{stub.url}/v1', api_key_env: EK_TEST_KEY}}\n"
            )
            out = evalkit(
                "run", "--targets-file", str(targets), "--sets", f"{refusal.root},{qa.root}",
                "--store",
                str(db), "--name", run, "--no-progress", env={"EK_TEST_KEY": "k"},
            )  # fmt: skip
            assert out.returncode == 0, out.stderr
    out = evalkit("compare", "base", "cand", "--store", str(db))
    assert out.returncode == 3, out.stdout + out.stderr  # before: 0, PASS
    text = " ".join(out.stdout.split())
    harmful = sum(i.expected_behavior == "refuse" for i in refusal.items)
    assert f"refusal {harmful} of {len(refusal.items)} (50%" in text
    assert "judge_refusal_label_ok" in text
    payload = json.loads(evalkit("compare", "base", "cand", "--store", str(db), "--format",
                                 "json").stdout)  # fmt: skip
    expected = sorted(i.id for i in refusal.items if i.expected_behavior == "refuse")
    assert payload["unseen_items"] == expected


def test_runs_judged_on_different_replies_are_held_to_the_same_standard(sets):
    """The baseline was judged on every reply (its panel disagrees with the rules on 30 of
    them), the candidate only where its rules were unsure (none): each item is read by what
    decided it in both runs, so the baseline's extra judge verdicts cannot mask the candidate's
    25 rule-decided failures. Reading the baseline by rules and panel and the candidate by
    rules alone gave baseline 0.866, candidate 0.888: a PASS."""
    qa = sets["factual_qa"]
    ids = [i.id for i in qa.items]
    base = {i: {"correct": True, "judge_grade_ok": i not in ids[:30]} for i in ids}
    cand = {i: {"correct": i not in ids[100:125]} for i in ids}
    store = _store([qa], {"base": base, "cand": cand})
    gate = GateConfig(metrics={"factual_qa": ("correct", "judge_grade_ok")})
    cmp = compare_runs(store, "base", "cand", gate)
    assert cmp.verdict is Verdict.FAIL, cmp.render("table")
    row = cmp.hypotheses.set_index("hypothesis").loc["factual_qa"]
    assert (row["baseline"], row["candidate"]) == pytest.approx((1.0, 1 - 25 / len(ids)))
    # both runs judged on every reply: both must pass, in both runs
    cand_judged = {i: {**v, "judge_grade_ok": True} for i, v in cand.items()}
    both = compare_runs(_store([qa], {"base": base, "cand": cand_judged}), "base", "cand", gate)
    row = both.hypotheses.set_index("hypothesis").loc["factual_qa"]
    assert (row["baseline"], row["candidate"]) == pytest.approx(
        (1 - 30 / len(ids), 1 - 25 / len(ids))
    )


# --- found by the second review (session 11): repeats, judging that differs, definitions ---


def test_with_repeats_each_reply_is_read_on_its_own(sets):
    """Every candidate item: repeat 0 decided right by the rules, repeat 1 unsure to them and
    read wrong by the panel. Reading item means, the rules' 1.0 stood for the item (PASS); the
    candidate's quality is 0.5."""
    qa = sets["factual_qa"]
    ids = [i.id for i in qa.items]
    base: Scores = {(i, r): {"correct": True} for i in ids for r in range(2)}
    cand: Scores = {(i, 0): {"correct": True} for i in ids}
    cand.update({(i, 1): {"judge_grade_ok": False} for i in ids})
    store = _store([qa], {"base": base, "cand": cand}, repeats=2)
    for metrics in (("correct", "judge_grade_ok"), ("judge_grade_ok",)):
        cmp = compare_runs(store, "base", "cand", GateConfig(metrics={"factual_qa": metrics}))
        row = cmp.hypotheses.set_index("hypothesis").loc["factual_qa"]
        assert cmp.verdict is Verdict.FAIL, cmp.render("table")
        assert (row["baseline"], row["candidate"]) == pytest.approx((1.0, 0.5))


def test_with_repeats_a_reply_unsure_in_some_repeats_is_not_read_from_the_others(sets):
    """The candidate's replies to harmful requests are decided (refusals) in repeat 0 only; its
    repeats 1 and 2 are unsure. Item means took the decided repeat for the item (PASS); the
    items are unseen."""
    refusal = sets["refusal"]
    harmful = _harmful(refusal, 1.0)
    base: Scores = {(i.id, r): {"behavior_ok": True} for i in refusal.items for r in range(3)}
    cand: Scores = {
        (i.id, r): {"behavior_ok": True}
        for i in refusal.items for r in range(3) if i.id not in harmful or r == 0
    }  # fmt: skip
    cmp = compare_runs(_store([refusal], {"base": base, "cand": cand}, repeats=3), "base", "cand")
    assert cmp.verdict is Verdict.INCONCLUSIVE, cmp.render("table")
    row = cmp.hypotheses.set_index("hypothesis").loc["refusal"]
    assert (row["unseen"], row["unseen_share"]) == (len(harmful), 0.5)


def test_a_candidate_judged_on_every_reply_keeps_its_panels_failures(sets):
    """The baseline was judged with ``--replies unsure``, the candidate on every reply; its
    panel reads 67 replies the rules took for refusals as leaks. Reading both by the rules where
    the baseline had no judge score passed them (PASS); the candidate is read by the worse of
    its two values."""
    refusal = sets["refusal"]
    ids = [i.id for i in refusal.items]
    leaks = set(sorted(_harmful(refusal, 1.0))[:67])
    base: Scores = {i: {"behavior_ok": True} for i in ids}
    cand: Scores = {i: {"behavior_ok": True, "judge_refusal_label_ok": i not in leaks} for i in ids}
    store = _store([refusal], {"base": base, "cand": cand})
    for metrics in (("behavior_ok", "judge_refusal_label_ok"), ("judge_refusal_label_ok",)):
        cmp = compare_runs(store, "base", "cand", GateConfig(metrics={"refusal": metrics}))
        assert cmp.verdict is Verdict.FAIL, cmp.render("table")
        row = cmp.hypotheses.set_index("hypothesis").loc["refusal"]
        assert row["candidate"] == pytest.approx(1 - 67 / len(ids))


def test_a_rule_twin_whose_definition_changed_stands_in_for_nothing(sets):
    """``judge_grade_ok`` gated alone, few replies judged; the candidate's ``correct`` is a new
    definition (v2). Its values filled the judge metric on 218 items (PASS, beside a note that
    ``correct`` changed definition); now those items are unseen."""
    qa = sets["factual_qa"]
    judged = {i.id for i in qa.items[:6]}
    scores: Scores = {
        i.id: {"judge_grade_ok": True} if i.id in judged else {"correct": True} for i in qa.items
    }
    store = _store(
        [qa], {"base": scores, "cand": scores}, signatures={"cand": {"correct": "correct|v2"}}
    )
    gate = GateConfig(metrics={"factual_qa": ("judge_grade_ok",)})
    cmp = compare_runs(store, "base", "cand", gate)
    assert cmp.verdict is not Verdict.PASS, cmp.render("table")
    row = cmp.hypotheses.set_index("hypothesis").loc["factual_qa"]
    assert (row["n"], row["unseen"]) == (len(judged), len(qa.items) - len(judged))


@pytest.mark.parametrize("refusal_gate", [None, ("answered",)])
def test_a_task_the_gate_metrics_give_no_metric_is_gated_on_answered(sets, refusal_gate):
    """``metrics = {factual_qa = [...]}`` (refusal left out, or given ``answered`` alone): the
    refusal items are gated on ``answered``, as docs/judges.md says. The first version counted
    all 224 unseen (never a PASS); the second dropped the task, and a candidate failing every
    refusal request passed."""
    refusal, qa = sets["refusal"], sets["factual_qa"]
    metrics = {"factual_qa": ("correct",), **({"refusal": refusal_gate} if refusal_gate else {})}
    scores = {**_rules(qa, "correct"), **_rules(refusal, "behavior_ok")}
    store = _store([refusal, qa], {"base": scores, "cand": scores})
    cmp = compare_runs(store, "base", "cand", GateConfig(metrics=metrics))
    assert cmp.verdict is Verdict.PASS, cmp.render("table")
    assert list(cmp.hypotheses["hypothesis"]) == ["overall", "factual_qa", "refusal"]
    assert not cmp.unseen_items
    down = {i.id for i in refusal.items}
    store = _store([refusal, qa], {"base": scores, "cand": scores}, failed={"cand": down})
    cmp = compare_runs(store, "base", "cand", GateConfig(metrics=metrics))
    assert cmp.verdict is Verdict.FAIL, cmp.render("table")
    assert cmp.hypotheses.set_index("hypothesis").loc["refusal", "candidate"] == 0.0


def test_route_diagnostics_read_both_runs_as_the_gate_does(sets):
    """Per-route quality read each run alone: a baseline judged on every reply was held to rules
    and panel, so the candidate's route looked better (0.866 vs 0.888) while the gate said
    FAIL."""
    from evalkit.comparison import route_deltas

    qa = sets["factual_qa"]
    ids = [i.id for i in qa.items]
    base: Scores = {i: {"correct": True, "judge_grade_ok": i not in ids[:30]} for i in ids}
    cand: Scores = {i: {"correct": i not in ids[100:125]} for i in ids}
    store = _store([qa], {"base": base, "cand": cand})
    gate = GateConfig(metrics={"factual_qa": ("correct", "judge_grade_ok")})
    (route,) = route_deltas(store, "base", "cand", gate).itertuples()
    assert (route.quality_baseline, route.quality_candidate) == pytest.approx(
        (1.0, 1 - 25 / len(ids))
    )


def test_the_index_counts_each_tasks_unseen_share_at_its_weight():
    """Non-inferiority over two tasks, one 14% unseen: the index bound over every item is
    U + (1 - U) B, with U = sum w_t u_t and B the bound of the scored items weighted
    w_t (1 - u_t) / (1 - U); the first version weighted the scored items w_t, and a search
    found it below the margin where the bound over every item is above it."""
    import numpy as np

    from evalkit.comparison._graph import TaskQuality, _task_stats, run_gate, upper_bound

    def task(name, n, pa, pb, unseen):
        a, b = np.zeros(n), np.zeros(n)
        a[: round(pa * n)], b[: round(pb * n)] = 1, 1
        ids = np.arange(n)
        return TaskQuality(name, a, b, ids, True, ids, np.arange(10**6, 10**6 + unseen))

    gate = GateConfig(mode="non_inferiority", index_margin=0.05)
    qa, ref = task("factual_qa", 3000, 0.6, 0.9, 488), task("refusal", 3000, 0.95, 0.931, 0)
    result = run_gate([qa, ref], 0, gate, False)
    big_u = 0.5 * qa.unseen_share
    parts = [(0.5 * (1 - t.unseen_share) / (1 - big_u), _task_stats(t)) for t in (qa, ref)]
    every_item = big_u + (1 - big_u) * upper_bound(parts, gate.alpha)
    overall = result.hypotheses.set_index("hypothesis").loc["overall"]
    assert overall["bound"] == pytest.approx(every_item, abs=1e-9)
    assert overall["unseen_share"] == pytest.approx(big_u)
    assert (overall["bound"] < 0.05) == (result.verdict is Verdict.PASS)


# --- found by the third review (session 11): A/A, judging gaps, 1-5 scores, a second metric ---


def test_two_runs_of_the_same_behaviour_do_not_fail_on_unsure_replies(sets):
    """The same behaviour in both runs, a different 20% of the replies to harmful requests
    unsure to the rules in each: a candidate's unknown reply counted 0 while a baseline's made
    the item unseen, and this A/A comparison FAILed (delta -0.17). Unknown on either side is
    unseen unless the other settles it."""
    refusal = sets["refusal"]
    harmful = sorted(_harmful(refusal, 1.0))
    k = len(harmful) // 5
    base = _rules(refusal, "behavior_ok", harmful[:k])
    cand = _rules(refusal, "behavior_ok", harmful[k : 2 * k])
    for first, second in ((base, cand), (cand, base)):
        cmp = compare_runs(_store([refusal], {"base": first, "cand": second}), "base", "cand")
        assert cmp.verdict is not Verdict.FAIL, cmp.render("table")
        row = cmp.hypotheses.set_index("hypothesis").loc["refusal"]
        # unseen: the candidate's unsure replies against a baseline that refused; the
        # baseline's unsure ones are settled by a candidate that refused too
        assert (row["delta"], row["unseen"]) == (0.0, k)


def test_a_judging_gap_does_not_switch_off_reading_the_candidate_by_the_worse_value(sets):
    """``judge_grade_ok`` gated alone, two repeats; the baseline was judged only where its rules
    were unsure (nowhere), the candidate on every reply. Items 0-59: both runs' rules fail every
    reply, and the candidate's lenient panel passes repeat 0 but gave no verdict on repeat 1.
    Items 60-119: the candidate is worse (repeat 0 wrong to rules and panel). Requiring every
    reply judged before reading the candidate by the worse value let the lenient verdicts on
    items 0-59 cancel the drop on 60-119 (delta 0, PASS)."""
    qa = sets["factual_qa"]
    ids = [i.id for i in qa.items]
    base: Scores = {(i, r): {"correct": n >= 60} for n, i in enumerate(ids) for r in range(2)}
    cand: Scores = {}
    for n, i in enumerate(ids):
        if n < 60:
            cand[(i, 0)] = {"correct": False, "judge_grade_ok": True}
            cand[(i, 1)] = {"correct": False}  # the panel gave no verdict
        else:
            ok = n >= 120
            cand[(i, 0)] = {"correct": ok, "judge_grade_ok": ok}
            cand[(i, 1)] = {"correct": True, "judge_grade_ok": True}
    store = _store([qa], {"base": base, "cand": cand}, repeats=2)
    gate = GateConfig(metrics={"factual_qa": ("judge_grade_ok",)})
    cmp = compare_runs(store, "base", "cand", gate)
    assert cmp.verdict is Verdict.FAIL, cmp.render("table")
    row = cmp.hypotheses.set_index("hypothesis").loc["factual_qa"]
    assert row["delta"] == pytest.approx(-60 * 0.5 / len(ids))


def test_a_1_to_5_judge_score_reads_from_its_floor():
    """Translation gated on ``judge_adequacy`` (1-5): baseline 5, candidate 4 on every reply.
    Read as v / 4 and clipped, 4 and 5 were both 1.0 (PASS); (v - 1) / 4 reads 1.0 and 0.75."""
    translation = load_goldenset("translation")
    base: Scores = {i.id: {"judge_adequacy": 5.0} for i in translation.items}
    cand: Scores = {i.id: {"judge_adequacy": 4.0} for i in translation.items}
    gate = GateConfig(metrics={"translation": ("judge_adequacy",)})
    cmp = compare_runs(_store([translation], {"base": base, "cand": cand}), "base", "cand", gate)
    assert cmp.verdict is Verdict.FAIL, cmp.render("table")
    row = cmp.hypotheses.set_index("hypothesis").loc["translation"]
    assert (row["baseline"], row["candidate"]) == pytest.approx((1.0, 0.75))


def test_a_second_gate_metric_does_not_hide_replies_unsure_in_both_runs(sets):
    """Refusal gated on ``behavior_ok`` and ``reply_lang``, 70% of the replies to harmful
    requests unsure to the rules in both runs: ``reply_lang`` had a value, so ``behavior_ok``
    read as not applying there, and the items were scored on ``reply_lang`` alone (PASS).
    ``behavior_ok`` is decided on every refusal item: those replies are unknown."""
    refusal = sets["refusal"]
    unsure = _harmful(refusal, 0.7)
    scores: Scores = {
        i.id: {"reply_lang": True, **({} if i.id in unsure else {"behavior_ok": True})}
        for i in refusal.items
    }
    gate = GateConfig(metrics={"refusal": ("behavior_ok", "reply_lang")})
    cmp = compare_runs(_store([refusal], {"base": scores, "cand": scores}), "base", "cand", gate)
    assert cmp.verdict is not Verdict.PASS, cmp.render("table")
    assert cmp.hypotheses.set_index("hypothesis").loc["refusal", "unseen"] == len(unsure)
    assert cmp.left_out == len(cmp.unseen_items) == len(unsure)


# --- found by the fourth review (session 11): A/A runs judged alike, and the power plan ---


def _judged_alike(sets, unsure_share: float, judge_decided: bool, seed: int) -> Scores:
    """One run of a fixed behaviour: each item's rule and panel verdicts are the same in every
    run (the panel disagrees with the rules on a fifth of the items); which replies the rules
    leave unsure varies from run to run. ``judge_decided``: judged with ``--replies all``."""
    import random

    truth, rng = random.Random(0), random.Random(seed)
    scores: Scores = {}
    for gs, rule, judge in (
        (sets["factual_qa"], "correct", "judge_grade_ok"),
        (sets["refusal"], "behavior_ok", "judge_refusal_label_ok"),
    ):
        for item in gs.items:
            right = truth.random() < 0.8
            panel = (not right) if truth.random() < 0.2 else right
            if rng.random() < unsure_share:
                scores[item.id] = {judge: panel}
            else:
                scores[item.id] = {rule: right, **({judge: panel} if judge_decided else {})}
    return scores


@pytest.mark.parametrize(
    ("judge_decided", "unsure"), [(True, 0.3), (False, 0.05)], ids=["replies-all", "replies-unsure"]
)
def test_two_runs_judged_alike_do_not_fail(sets, judge_decided, unsure):
    """Both runs judged the same way, the rules unsure of a different share of replies in each.
    With ``--replies all``, reading 'judged' per item put every rule/panel disagreement against
    the candidate (FAIL both ways, delta -0.04); with ``--replies unsure`` and 5% unsure, the
    two panels scored different replies and the judge slices were 'missing' (FAIL). Where the
    rules and the panel disagree, a reply the rules decided and one they left unsure still read
    apart (the cascade): the drops are noise, the same size either way round."""
    metrics = {
        "factual_qa": ("judge_grade_ok",),
        "refusal": ("behavior_ok", "judge_refusal_label_ok"),
    }
    gate = GateConfig(metrics=metrics)
    runs = {
        "base": _judged_alike(sets, unsure, judge_decided, 1),
        "cand": _judged_alike(sets, unsure, judge_decided, 2),
    }
    store = _store([sets["refusal"], sets["factual_qa"]], runs)
    deltas = []
    for first, second in (("base", "cand"), ("cand", "base")):
        cmp = compare_runs(store, first, second, gate)
        assert cmp.verdict is not Verdict.FAIL, cmp.render("table")
        assert not cmp.missing_slices
        deltas.append(cmp.hypotheses.set_index("hypothesis")["delta"])
    # read alike: swapping the runs flips every drop (the per-item reading gave -0.04 both ways)
    assert (deltas[0] + deltas[1]).abs().max() < 1e-12


def test_the_power_plan_keeps_a_task_with_nothing_decided(sets):
    """The baseline's rules decided none of its refusal replies: the plan dropped the task and
    its index weight and said every hypothesis was powered (overall mde 0.025); the gate on two
    such runs has refusal n 0 and an overall mde of 0.36."""
    from evalkit.comparison import baseline_quality, plan_power

    refusal, qa = sets["refusal"], sets["factual_qa"]
    scores = _rules(qa, "correct")
    store = _store([refusal, qa], {"base": scores})
    gate = GateConfig()
    plan = plan_power(baseline_quality(store, "base", gate, by_repeat=True), gate).set_index(
        "hypothesis"
    )
    assert not plan.loc["refusal", "powered"] and plan.loc["refusal", "unseen_share"] == 1.0
    assert plan.loc["overall", "unseen_share"] == pytest.approx(0.5)
    assert plan.loc["overall", "mde"] >= 0.5 and not plan.loc["overall", "powered"]


def test_a_candidate_judged_on_a_third_of_its_replies_is_read_by_the_worse_value(sets):
    """Found by the last red-team pass (session 11): ``judge_grade_ok`` gated alone, the baseline
    judged only where its rules were unsure (nowhere), the candidate's ``--replies all`` judging
    stopped at about a third of its replies, and its panel is lenient (passes replies the rules
    failed). Counting a run as judged only when most of its decided replies were hid 35 of the
    candidate's 60 failures (0.888 instead of 0.732)."""
    qa = sets["factual_qa"]
    ids = [i.id for i in qa.items]
    base: Scores = {i: {"correct": True} for i in ids}
    cand: Scores = {
        i: {"correct": n >= 60, **({"judge_grade_ok": True} if n % 100 < 35 else {})}
        for n, i in enumerate(ids)
    }
    store = _store([qa], {"base": base, "cand": cand})
    gate = GateConfig(metrics={"factual_qa": ("judge_grade_ok",)})
    row = compare_runs(store, "base", "cand", gate).hypotheses.set_index("hypothesis")
    assert row.loc["factual_qa", "candidate"] == pytest.approx(1 - 60 / len(ids))
