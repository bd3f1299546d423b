"""Targets: model endpoints reached through the official `openai` and `anthropic` SDKs."""

from evalkit.targets._clients import CallFailure, Client, Completion
from evalkit.targets._parse import from_model, load_targets_file, parse_target
from evalkit.targets._presets import PRESETS, Preset, family_of_routed_model
from evalkit.targets._spec import Price, Sampling, TargetModel, TargetSpec, format_costs
from evalkit.targets._tokens import estimate_tokens

__all__ = [
    "PRESETS",
    "CallFailure",
    "Client",
    "Completion",
    "Preset",
    "Price",
    "Sampling",
    "TargetModel",
    "TargetSpec",
    "estimate_tokens",
    "family_of_routed_model",
    "format_costs",
    "from_model",
    "load_targets_file",
    "parse_target",
]
