"""A CEL engine that compiles expressions to Python functions over plain values.

    program = compile_program("risk.level > isms.appetite")
    program.run_bool({"risk": {"level": 12}, "isms": {"appetite": 8}})

Results and error messages are those of cel-python (the reference engine) through
`checker.cel`; see the modules for how: `parser` (cel-python's grammar), `codegen`
(CEL → Python), `operators` and `compare` (CEL's operators as cel-python computes
them), `functions`, `bridge` (cel-python's own classes for the corner cases).
"""

from checker.celnative.errors import (
    BudgetError,
    CelError,
    CompileError,
    EvalError,
    HostError,
    RaisedError,
)
from checker.celnative.program import Budget, Program, compile_program

__all__ = [
    "Budget",
    "BudgetError",
    "CelError",
    "CompileError",
    "EvalError",
    "HostError",
    "Program",
    "RaisedError",
    "compile_program",
]
