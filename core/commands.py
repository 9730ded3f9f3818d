"""How a package adds a command to ``prakerja-gateway``: an entry point of :data:`COMMANDS_GROUP` naming a function
that takes the CLI's :data:`CommandGroup` (``demo`` and ``sandbox`` from sandbox/, ``check-feed`` from refresher/)."""

from __future__ import annotations

import argparse
from typing import TypeAlias

COMMANDS_GROUP = "prakerja_gateway.commands"

CommandGroup: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"
