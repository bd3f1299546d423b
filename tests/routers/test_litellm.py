from __future__ import annotations

import asyncio
import os
import threading

import pytest
import yaml

import evalkit as ek
from evalkit.errors import ConfigError
from evalkit.routers import RouterSpec, import_litellm
from evalkit.sim import Faults, Persona, Rates, Simulator
from evalkit.targets import parse_target
from tests._helpers import make_set, qa_items


def litellm_config(tmp_path, url, key="os.environ/SIM_KEY"):
    config = {
        "model_list": [
            {
                "model_name": "chat",
                "litellm_params": {
                    "model": "openai/primary",
                    "api_base": f"{url}/v1",
                    "api_key": key,
                },
            },
            {
                "model_name": "chat",
                "litellm_params": {
                    "model": "openai/secondary",
                    "api_base": f"{url}/v1",
                    "api_key": key,
                },
                "model_info": {"input_cost_per_token": 2e-6, "output_cost_per_token": 8e-6},
            },
            {
                "model_name": "backup",
                "litellm_params": {
                    "model": "openai/backup",
                    "api_base": f"{url}/v1",
                    "api_key": key,
                },
            },
        ],
        "router_settings": {
            "routing_strategy": "simple-shuffle",
            "fallbacks": [{"chat": ["backup"]}],
        },
    }
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(config))
    return path


def test_import_maps_groups_fallbacks_prices_and_keys(tmp_path):
    cfg = import_litellm(litellm_config(tmp_path, "http://127.0.0.1:9"))
    # two deployments share model_name "chat": a load-balanced split, not "first + fallbacks"
    assert cfg.default == "chat (load-balanced)"
    assert cfg.splits == {"chat (load-balanced)": {"chat": 1.0, "chat#1": 1.0}}
    assert cfg.fallbacks == {"chat": ["chat#1", "backup"], "chat#1": ["chat", "backup"]}
    assert cfg.models["chat#1"].price is not None and cfg.models[
        "chat#1"
    ].price.output == pytest.approx(8.0)
    spec = RouterSpec.from_config(cfg).specs["chat"]
    assert spec.base_url == "http://127.0.0.1:9/v1" and spec.api_key_env == "SIM_KEY"


def test_weighted_deployments_split_traffic_by_their_weights(tmp_path, monkeypatch):
    from scipy.stats import binomtest

    monkeypatch.setenv("SIM_KEY", "not-a-real-key")
    items = qa_items(150)
    path = litellm_config(tmp_path, "http://127.0.0.1:9")
    config = yaml.safe_load(path.read_text())
    config["model_list"][0]["litellm_params"]["weight"] = 7
    config["model_list"][1]["litellm_params"]["weight"] = 3
    path.write_text(yaml.safe_dump(config))
    router = RouterSpec.from_config(import_litellm(path))
    picks = [router.route(item).model for item in items]
    n_primary = picks.count("chat")
    assert set(picks) == {"chat", "chat#1"}
    # 300 items drawn 70/30: the count lies in the binomial 99% interval of p = 0.7
    low, high = binomtest(n_primary, len(picks), 0.7).proportion_ci(0.99)
    assert low <= 0.7 <= high
    assert picks == [router.route(item).model for item in items]  # seeded: the same every run
    assert (
        "split chat (load-balanced): chat (70% of traffic)"
        in router.route(next(i for i, m in zip(items, picks, strict=True) if m == "chat")).reason
    )


def test_keys_are_needed_only_for_reachable_models(tmp_path, monkeypatch):
    monkeypatch.setenv("SIM_KEY", "not-a-real-key")
    path = litellm_config(tmp_path, "http://127.0.0.1:9")
    config = yaml.safe_load(path.read_text())
    config["model_list"].append(
        {"model_name": "unused", "litellm_params": {"model": "deepseek/deepseek-chat"}}
    )
    path.write_text(yaml.safe_dump(config))
    monkeypatch.delenv("DEEPSEEK_API_KEY", raising=False)
    router = RouterSpec.from_config(import_litellm(path))
    router.api_keys()  # "unused" is unreachable from group "chat": its key is not required
    assert "unused" not in router.reachable()


def test_literal_keys_are_refused_and_never_echoed(tmp_path):
    with pytest.raises(ConfigError) as info:
        import_litellm(litellm_config(tmp_path, "http://x", key="sk-literal-secret-value"))
    assert "os.environ/" in str(info.value) and "sk-literal" not in str(info.value)


def test_imported_config_runs_and_falls_back(tmp_path, monkeypatch):
    monkeypatch.setenv("SIM_KEY", "not-a-real-key")
    items = qa_items(10)
    personas = [
        Persona(name="primary", faults=Faults(rate_500=1.0)),
        Persona(name="secondary", faults=Faults(rate_500=1.0)),
        Persona(name="backup", rates=Rates(accuracy=1.0, hallucination=0.0)),
    ]
    with Simulator(personas, items) as sim:
        router = RouterSpec.from_config(import_litellm(litellm_config(tmp_path, sim.url)))
        result = ek.run(router, [make_set(items)], store=":memory:", max_retries=0)
    frame = result.store.responses_frame(result.run_id)
    assert len(frame) == 20 and frame.fallback_used.all() and set(frame.served_model) == {"backup"}
    # each item went to one deployment of the split first, then to the other, then to backup
    assert set(frame.route_reason.str.extract(r"split chat \(load-balanced\): (\S+)")[0]) == {
        "chat",
        "chat#1",
    }


class _LiteLLMEndpoint:
    """A real litellm.Router behind an OpenAI-compatible HTTP endpoint (like the LiteLLM proxy)."""

    def __init__(self, router) -> None:
        self.router = router
        self.url = ""
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()

    async def _handle(self, request):
        from aiohttp import web

        body = await request.json()
        resp = await self.router.acompletion(model=body["model"], messages=body["messages"])
        return web.json_response(resp.model_dump())

    async def _start(self):
        from aiohttp import web

        app = web.Application()
        app.add_routes([web.post("/v1/chat/completions", self._handle)])
        self.runner = web.AppRunner(app)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        self.url = f"http://127.0.0.1:{site._server.sockets[0].getsockname()[1]}"

    def __enter__(self):
        def serve():
            asyncio.set_event_loop(self._loop)
            self._loop.run_until_complete(self._start())
            self._ready.set()
            self._loop.run_forever()

        threading.Thread(target=serve, daemon=True).start()
        self._ready.wait(10)
        return self

    def __exit__(self, *exc):
        asyncio.run_coroutine_threadsafe(self.runner.cleanup(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)


def test_real_litellm_router_as_an_opaque_endpoint(tmp_path, monkeypatch):
    """Optional: needs `pip install litellm==1.106.2` (it pins openai<3, so CI runs it apart)."""
    os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
    litellm = pytest.importorskip("litellm")
    monkeypatch.setenv("OPENAI_API_KEY", "proxy-key-for-the-test")
    items = qa_items(10)
    personas = [
        Persona(name="primary", faults=Faults(rate_500=1.0)),
        Persona(name="secondary", faults=Faults(rate_500=1.0)),
        Persona(name="backup", rates=Rates(accuracy=1.0, hallucination=0.0)),
    ]
    with Simulator(personas, items) as sim:
        config = yaml.safe_load(litellm_config(tmp_path, sim.url).read_text())
        for entry in config["model_list"]:
            entry["litellm_params"]["api_key"] = "not-a-real-key"
        router = litellm.Router(
            model_list=config["model_list"], fallbacks=[{"chat": ["backup"]}], num_retries=0
        )
        with _LiteLLMEndpoint(router) as endpoint:
            spec = parse_target(f"proxy=openai:chat@{endpoint.url}/v1")
            result = ek.run(spec, [make_set(items)], store=":memory:", max_retries=0)
    frame = result.store.responses_frame(result.run_id)
    assert len(frame) == 20
    assert set(frame.served_model) == {
        "backup"
    }  # the model the router really used, from each response
    scores = result.to_pandas()
    assert scores[scores.metric == "correct"].value.all()
