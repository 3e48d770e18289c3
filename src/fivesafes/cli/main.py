"""The ``fivesafes`` command.

Subcommands live in their own modules and are imported only when used, so ``fivesafes
validate`` does not pay for PyGithub or rocrate start-up.
"""

from __future__ import annotations

import importlib
import importlib.util
from typing import Any

import click

from fivesafes import __version__
from fivesafes.cli.errors import handled

# name -> "module:attribute" of the click command
COMMANDS: dict[str, str] = {
    "init": "fivesafes.cli.init_cmd:init",
    "validate": "fivesafes.cli.validate_cmd:validate",
    "crate": "fivesafes.cli.crate_cmd:crate",
    "package": "fivesafes.cli.package_cmd:package",
    "verify": "fivesafes.cli.verify_cmd:verify",
    "import": "fivesafes.cli.import_cmd:import_",
    "handle": "fivesafes.cli.handle_cmd:handle",
    "reconcile": "fivesafes.cli.reconcile_cmd:reconcile",
    "phases": "fivesafes.cli.phases_cmd:phases",
    "ledger": "fivesafes.cli.ledger_cmd:ledger",
    "status": "fivesafes.cli.status_cmd:status",
    "catalogue": "fivesafes.cli.catalogue_cmd:catalogue",
    "execute": "fivesafes.cli.execute_cmd:execute",
    "disclose": "fivesafes.cli.disclose_cmd:disclose",
    "publish": "fivesafes.cli.publish_cmd:publish",
    "retention": "fivesafes.cli.retention_cmd:retention",
    "handback": "fivesafes.cli.handback_cmd:handback",
    "demo": "fivesafes.cli.demo_cmd:demo",
    "doctor": "fivesafes.cli.doctor_cmd:doctor",
    "upgrade": "fivesafes.cli.upgrade_cmd:upgrade",
    "org": "fivesafes.cli.org_cmd:org",
}


class LazyGroup(click.Group):
    """A group whose commands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(name for name in COMMANDS if self._available(name))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module_name, attr = target.split(":")
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name == module_name:
                return None
            raise
        command: Any = getattr(module, attr)
        assert isinstance(command, click.Command)
        return command

    def invoke(self, ctx: click.Context) -> Any:
        return handled(lambda: super(LazyGroup, self).invoke(ctx))

    @staticmethod
    def _available(name: str) -> bool:
        module_name = COMMANDS[name].split(":")[0]
        return importlib.util.find_spec(module_name) is not None


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="fivesafes")
@click.option("--debug", is_flag=True, envvar="FIVESAFES_DEBUG",
              help="Show the traceback of an unexpected error (also FIVESAFES_DEBUG=1).")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """Five Safes data-access requests run as GitHub pull requests.

    Exit codes: 0 ok, 1 findings (the request or crate is not acceptable), 2 usage or input
    error, 3 an external system failed (GitHub, git, executor), 70 a bug in fivesafes.
    """
    ctx.meta["fivesafes.debug"] = debug


def main() -> None:
    cli()
