"""A CEL engine that compiles expressions to Python functions over plain values.

    program = compile_program("risk.level > isms.appetite")
    program.run_bool({"risk": {"level": 12}, "isms": {"appetite": 8}})

checker.cel wraps it as the "native" engine. Its results and error messages are those
of cel-python (the reference engine) through checker.cel, including where cel-python
departs from the CEL specification; tests/celnative compares the two expression by
expression. The modules: `parser` (cel-python's grammar, a cached lark parser),
`codegen` (the tree → Python), `operators` and `compare` (CEL's operators as
cel-python computes them), `functions`, `literals`, `values` (how CEL values are plain
Python values), `bridge` (cel-python's own value classes, for mixed-type corner cases),
`program` (compiled programs and the evaluation budget).

cel-python's behaviour that the engine keeps (it is not the CEL specification):
  - An error raised inside a map(), filter() or exists_one() body, or a Python error
    such as a macro over null ("TypeError: 'NoneType' object is not iterable"), is not
    absorbed by `&&` and `||`: `true || null.all(x, x)` fails. Both operands of `&&`
    and `||` are evaluated (the engine skips one only where that cannot change this).
  - Mixed types follow Python: `true == 1` is true but `1 == true` an error;
    `1.5 + 1` is 2.5 but `1 + 1.5` an error; `7 / 2.0` is 3; `'ab' * (true + 1)`
    repeats; `[1, 2, 3][-1]` is 3; `size(null)` is 0; `string(true)` is "True".
  - A condition that is not a bool picks a branch by its truth, then fails; a
    TypeError out of a `?:` branch becomes "found no matching overload for _?_:_".
  - A map literal keeps an error among its values until that key is read.
  - map() with three arguments is an error ("ValueError: too many values to unpack").
  - `min()` and `reduce(r, i, init, expr)` are macros.

Known differences from cel-python (pinned in tests/celnative/test_differences.py):
  - What crashes cel-python with a Python exception out of its evaluator is a compile
    error here: a macro without arguments (`l.all()`), `has()` and `dyn()` without
    one, a macro whose first argument is not one name (`l.map(1, 2)`), and message
    construction (`T{...}`, protobuf only). cel-python also fails with RecursionError
    on expressions nested ~50 deep; this engine compiles them (up to a depth where it
    reports "nested too deeply").
  - A map literal holding an error, shown as a result, lacks cel-python's exception
    class and expression in its text.
  - `bool(5)` is true (cel-python keeps 5 in a bool that is then unequal to true).
  - A function name used as a value (`present`) shows another Python function.
    `google` alone, or `google.protobuf`, is a package here, shown differently;
    `google.protobuf.Int32Value` and the others are the same.
  - Data: `value()` does not convert, so data that checker.cel's `to_cel` would change
    is seen as it is: a map with keys that are not strings (to_cel makes them
    strings), a naive datetime (to_cel takes it as local time, this engine as UTC), an
    aware datetime in another zone (to_cel moves it to UTC; here its own zone shows in
    string() and isodate()), an int beyond 64 bits (to_cel fails). The model gives
    string keys and dates.
  - The budget (steps, sizes of built values) is this engine's: cel-python has none.
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
