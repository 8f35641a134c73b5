"""Shell completion scripts for bash, zsh and fish, generated from the argparse parser
that main.py builds, so that they list exactly the commands, options and choices the
installed version has and never go stale.

What each script completes: the commands (and, as `isms-check PATH` means `check PATH`,
folders and the check options at the top level); each command's options; the values of
options with choices (`--format`, `--fail-on`, ...) and of positional arguments with
choices (`export KIND`, `schema KIND`, `explain RULE` with the built-in rule ids); file
names for options and arguments that take a file or folder.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

SHELLS = ("bash", "zsh", "fish")
PROG = "isms-check"
_FUNCTION = "_isms_check"


@dataclass(frozen=True)
class Option:
    flags: tuple[str, ...]
    help: str
    takes_value: bool
    choices: tuple[str, ...]
    files: bool  # its value is a file or folder


@dataclass(frozen=True)
class Spec:
    """One command's completions (name "" is the top level)."""

    name: str
    help: str
    options: tuple[Option, ...]
    positional: tuple[str, ...]  # choices of the first positional, if it has any
    files: bool  # a positional takes a file or folder


_FILE_WORDS = ("FILE", "PATH", "DIR")


def _option(action: argparse.Action) -> Option:
    takes = action.nargs != 0
    choices = tuple(str(c) for c in action.choices) if action.choices else ()
    metavar = str(action.metavar or action.dest).upper()
    files = takes and not choices and any(w in metavar for w in _FILE_WORDS)
    help_text = "" if action.help in (None, argparse.SUPPRESS) else str(action.help)
    return Option(tuple(action.option_strings), " ".join(help_text.split()), takes, choices, files)


def _spec(name: str, help_text: str, parser: argparse.ArgumentParser) -> Spec:
    options: list[Option] = []
    positional: tuple[str, ...] = ()
    files = False
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            continue
        if action.option_strings:
            if action.help != argparse.SUPPRESS or action.dest == "debug":
                options.append(_option(action))
        else:
            if action.choices and not positional:
                positional = tuple(str(c) for c in action.choices)
            metavar = str(action.metavar or action.dest).upper()
            files = files or any(w in metavar for w in _FILE_WORDS)
    return Spec(name, help_text, tuple(options), positional, files)


def specs(parser: argparse.ArgumentParser, rule_ids: Sequence[str] = ()) -> list[Spec]:
    """The top level (with the default command's options) and every command."""
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    helps = {a.dest: str(a.help or "") for a in sub._choices_actions}
    commands = [_spec(name, helps.get(name, ""), p) for name, p in sub.choices.items()]
    if rule_ids:
        commands = [
            Spec(c.name, c.help, c.options, tuple(rule_ids), c.files) if c.name == "explain" else c
            for c in commands
        ]
    top = _spec("", "", parser)
    check = next(c for c in commands if c.name == "check")
    flags = {f for o in top.options for f in o.flags}
    extra = tuple(o for o in check.options if not set(o.flags) & flags)
    top = Spec("", "", top.options + extra, tuple(c.name for c in commands), True)
    return [top, *commands]


def _words(values: Iterable[str]) -> str:
    return " ".join(values)


def bash(all_specs: Sequence[Spec]) -> str:
    names = "|".join(c.name for c in all_specs[1:])
    file_commands = "|".join(c.name for c in all_specs if c.files and c.name) or "_"
    value_flags = "|".join(
        sorted({f for s in all_specs for o in s.options if o.takes_value for f in o.flags})
    )
    lines = [
        f"# bash completion for {PROG}: source <({PROG} completion bash)",
        f"{_FUNCTION}() {{",
        '    local cur="${COMP_WORDS[COMP_CWORD]}" prev="${COMP_WORDS[COMP_CWORD-1]}"',
        '    local cmd="" at=0 i',
        "    for ((i = 1; i < COMP_CWORD; i++)); do",
        '        case "${COMP_WORDS[i]}" in',
        f'            {names}) cmd="${{COMP_WORDS[i]}}"; at=$i; break ;;',
        "        esac",
        "    done",
        "    # the positional words before the cursor (an option's value is not one)",
        "    local npos=0 skip=0",
        "    for ((i = at + 1; i < COMP_CWORD; i++)); do",
        "        if ((skip)); then skip=0; continue; fi",
        '        case "${COMP_WORDS[i]}" in',
        f"            {value_flags}) skip=1 ;;",
        "            -*) ;;",
        "            *) ((npos++)) ;;",
        "        esac",
        "    done",
        '    case "$cmd:$prev" in',
    ]
    for spec in all_specs:
        for o in spec.options:
            if not o.takes_value:
                continue
            pattern = "|".join(f"{spec.name}:{f}" for f in o.flags)
            if o.choices:
                action = f'COMPREPLY=($(compgen -W "{_words(o.choices)}" -- "$cur"))'
            elif o.files:
                action = 'COMPREPLY=($(compgen -f -- "$cur"))'
            else:
                action = "COMPREPLY=()"
            lines.append(f"        {pattern}) {action}; return ;;")
    lines += ["    esac", '    local opts="" words=""', '    case "$cmd" in']
    for spec in all_specs:
        opts = _words(f for o in spec.options for f in o.flags)
        label = spec.name or '""'
        lines.append(f'        {label}) opts="{opts}"; words="{_words(spec.positional)}" ;;')
    lines += [
        "    esac",
        '    if [[ "$cur" == -* ]]; then',
        '        COMPREPLY=($(compgen -W "$opts" -- "$cur"))',
        "        return",
        "    fi",
        "    # the first positional: its choices (the commands at the top level, where a",
        "    # folder is also a first word); after it, file names where the command takes them",
        '    if ((npos == 0)); then COMPREPLY=($(compgen -W "$words" -- "$cur")); fi',
        '    if ((npos > 0)) || [[ -z "$words" || -z "$cmd" ]]; then',
        f'        case "$cmd" in {file_commands}|"")',
        '            COMPREPLY+=($(compgen -f -- "$cur")) ;;',
        "        esac",
        "    fi",
        "}",
        f"complete -o filenames -F {_FUNCTION} {PROG}",
        "",
    ]
    return "\n".join(lines)


def _zsh_text(text: str) -> str:
    return (
        text.replace("\\", "\\\\")
        .replace("'", "'\\''")
        .replace("[", "\\[")
        .replace("]", "\\]")
        .replace(":", "\\:")
    )


def _zsh_option(o: Option) -> str:
    value = ""
    if o.takes_value:
        if o.choices:
            value = f":value:({' '.join(o.choices)})"
        elif o.files:
            value = ":file:_files"
        else:
            value = ":value: "
    helps = f"[{_zsh_text(o.help)}]"
    if len(o.flags) > 1:
        return f"'({' '.join(o.flags)})'{{{','.join(o.flags)}}}'{helps}{value}'"
    return f"'{o.flags[0]}{helps}{value}'"


def zsh(all_specs: Sequence[Spec]) -> str:
    top, commands = all_specs[0], all_specs[1:]
    lines = [
        f"#compdef {PROG}",
        f'# zsh completion for {PROG}: {PROG} completion zsh > "${{fpath[1]}}/_{PROG}"',
        f"# (or, for this shell only: source <({PROG} completion zsh))",
        f"{_FUNCTION}() {{",
        "    local -a commands",
        "    commands=(",
        *(f"        '{c.name}:{_zsh_text(c.help)}'" for c in commands),
        "    )",
        '    local curcontext="$curcontext" state line',
        "    _arguments -C \\",
        *(f"        {_zsh_option(o)} \\" for o in top.options),
        "        '1: :->first' \\",
        "        '*:: :->rest'",
        "    case $state in",
        "        first) _describe -t commands command commands; _files ;;",
        "        rest)",
        "            case $line[1] in",
    ]
    for spec in commands:
        positional = (
            f"'1:value:({' '.join(spec.positional)})'"
            if spec.positional
            else ("'*:file:_files'" if spec.files else "")
        )
        parts = [_zsh_option(o) for o in spec.options] + ([positional] if positional else [])
        lines.append(f"                {spec.name}) _arguments {' '.join(parts)} ;;")
    lines += [
        "                *) _files ;;",
        "            esac ;;",
        "    esac",
        "}",
        f'if [[ "$funcstack[1]" == "_{PROG}" ]]; then {_FUNCTION} "$@"; '
        f"else compdef {_FUNCTION} {PROG}; fi",
        "",
    ]
    return "\n".join(lines)


def _fish_text(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def fish(all_specs: Sequence[Spec]) -> str:
    commands = all_specs[1:]
    names = " ".join(c.name for c in commands)
    lines = [
        f"# fish completion for {PROG}: {PROG} completion fish > "
        f"~/.config/fish/completions/{PROG}.fish",
        f"complete -c {PROG} -f",
    ]
    for spec in commands:
        lines.append(
            f"complete -c {PROG} -n 'not __fish_seen_subcommand_from {names}' "
            f"-a {spec.name} -d {_fish_text(spec.help)}"
        )
    lines.append(f"complete -c {PROG} -n 'not __fish_seen_subcommand_from {names}' -F")
    for spec in all_specs:
        condition = (
            f"__fish_seen_subcommand_from {spec.name}"
            if spec.name
            else f"not __fish_seen_subcommand_from {names}"
        )
        for o in spec.options:
            parts = [f"complete -c {PROG} -n '{condition}'"]
            for flag in o.flags:
                parts.append(f"-l {flag[2:]}" if flag.startswith("--") else f"-s {flag[1:]}")
            if o.choices:
                parts.append(f"-x -a {_fish_text(' '.join(o.choices))}")
            elif o.files:
                parts.append("-r -F")
            elif o.takes_value:
                parts.append("-x")
            if o.help:
                parts.append(f"-d {_fish_text(o.help)}")
            lines.append(" ".join(parts))
        if spec.name and spec.positional:
            lines.append(
                f"complete -c {PROG} -n '{condition}' -a {_fish_text(' '.join(spec.positional))}"
            )
        elif spec.name and spec.files:
            lines.append(f"complete -c {PROG} -n '{condition}' -F")
    return "\n".join(lines) + "\n"


def script(shell: str, parser: argparse.ArgumentParser, rule_ids: Sequence[str] = ()) -> str:
    all_specs = specs(parser, rule_ids)
    return {"bash": bash, "zsh": zsh, "fish": fish}[shell](all_specs)
