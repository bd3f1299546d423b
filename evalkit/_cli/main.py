"""The `evalkit` command: a thin shell; each subcommand lives in its own module."""

from __future__ import annotations

import importlib

import click

_COMMANDS = {
    "compare": "evalkit._cli.compare:compare",
    "demo": "evalkit._cli.demo:demo",
    "drift": "evalkit._cli.drift:drift",
    "export": "evalkit._cli.export:export",
    "judge": "evalkit._cli.judge:judge",
    "measures": "evalkit._cli.measures:measures",
    "merge": "evalkit._cli.merge:merge",
    "migrate": "evalkit._cli.migrate:migrate",
    "power": "evalkit._cli.power:power",
    "run": "evalkit._cli.run:run",
    "runs": "evalkit._cli.runs:runs",
    "sim": "evalkit._cli.sim:sim",
    "validate": "evalkit._cli.validate:validate",
}


class _LazyGroup(click.Group):
    """Imports a subcommand's module only when it runs, so `evalkit --help` starts fast."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(_COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = _COMMANDS.get(cmd_name)
        if target is None:
            return None
        module, attr = target.split(":")
        command: click.Command = getattr(importlib.import_module(module), attr)
        return command


@click.group(cls=_LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="evalkit")
def cli() -> None:
    """Bilingual golden-set evaluation of LLM candidates and router configs."""


def main() -> None:
    cli()


if __name__ == "__main__":
    main()
