"""`evalkit sim serve`."""

from __future__ import annotations

import click

from evalkit._cli._common import handle_errors


@click.group()
def sim() -> None:
    """The bundled simulator of candidate models (OpenAI and Anthropic wire APIs)."""


@sim.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8765, show_default=True)
@click.option(
    "--personas", "personas_file", type=click.Path(exists=True), help="YAML with a personas: list."
)
@click.option(
    "--sets",
    "sets",
    default=None,
    help="Comma-separated set names or folders (default: all built-in).",
)
@handle_errors
def serve(host: str, port: int, personas_file: str | None, sets: str | None) -> None:
    """Serve the simulator until interrupted."""
    from evalkit.goldensets import load_goldensets
    from evalkit.sim import DEFAULT_PERSONAS, Simulator, load_personas, serve_forever

    personas = load_personas(personas_file) if personas_file else list(DEFAULT_PERSONAS)
    names = [s.strip() for s in sets.split(",")] if sets else None
    items = [item for gs in load_goldensets(names) for item in gs.items]
    serve_forever(Simulator(personas, items, host=host, port=port))
