from checker.commands import Command
COMMAND: Command = None  # type: ignore
