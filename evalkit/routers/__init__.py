"""Router configs as targets: rules over item attributes, fallbacks, route diffs."""

from evalkit.routers._config import Match, RouterConfig, RouterModel, Rule
from evalkit.routers._diff import RouteChange, RouteDiff, route_diff
from evalkit.routers._litellm import import_litellm
from evalkit.routers._load import check_router, load_router
from evalkit.routers._router import Decision, RouterSpec, matches, prompt_chars, sensitivity

__all__ = [
    "Decision",
    "Match",
    "RouteChange",
    "RouteDiff",
    "RouterConfig",
    "RouterModel",
    "RouterSpec",
    "Rule",
    "check_router",
    "import_litellm",
    "load_router",
    "matches",
    "prompt_chars",
    "route_diff",
    "sensitivity",
]
