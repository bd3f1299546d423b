"""The bundled simulator: simulated models over the real OpenAI and Anthropic wire APIs."""

from evalkit.sim._behavior import Behaviour, Outcome
from evalkit.sim._personas import (
    DEFAULT_PERSONAS,
    Faults,
    JudgeRates,
    Latency,
    Persona,
    Rates,
    load_personas,
)
from evalkit.sim._server import Simulator, serve_forever

__all__ = [
    "DEFAULT_PERSONAS",
    "Behaviour",
    "Faults",
    "JudgeRates",
    "Latency",
    "Outcome",
    "Persona",
    "Rates",
    "Simulator",
    "load_personas",
    "serve_forever",
]
