"""YAML reading: positions, dates and booleans as users mean them, hostile input."""

from __future__ import annotations

import pytest

from checker.loader import YamlProblem, entities_of, parse_yaml


def test_positions_of_values() -> None:
    parsed = parse_yaml("id: R-1\ninherent:\n  likelihood: 4\nlist:\n  - a\n  - b\n")
    assert parsed.position(("id",)) == (1, 5)
    assert parsed.position(("inherent", "likelihood")) == (3, 15)
    assert parsed.position(("list", 1)) == (6, 5)
    assert parsed.position(("missing", "deeper")) == (1, 1)


def test_dates_stay_strings_and_only_true_false_are_booleans() -> None:
    data = parse_yaml(
        "a: 2026-03-01\nb: '2026-03-01'\nc: yes\nd: no\ne: on\nf: true\ng: False\nh: ~\n"
    ).data
    assert data == {
        "a": "2026-03-01", "b": "2026-03-01", "c": "yes", "d": "no", "e": "on",
        "f": True, "g": False, "h": None,
    }  # fmt: skip


def test_numbers() -> None:
    assert parse_yaml("a: 4\nb: 4.5\nc: 0x10\n").data == {"a": 4, "b": 4.5, "c": 16}


def test_duplicate_key_is_a_problem_at_its_line() -> None:
    with pytest.raises(YamlProblem) as info:
        parse_yaml("id: R-1\ntitle: a\nid: R-2\n")
    assert info.value.line == 3 and "duplicate key 'id'" in info.value.message


def test_syntax_error_line() -> None:
    with pytest.raises(YamlProblem) as info:
        parse_yaml("id: R-1\ntitle: [oops\n")
    assert info.value.line == 3 and info.value.message.startswith("invalid YAML")


def test_unsupported_tags_are_refused() -> None:
    with pytest.raises(YamlProblem, match="unsupported YAML tag"):
        parse_yaml("a: !!python/object:os.system {}\n")
    with pytest.raises(YamlProblem, match="unsupported YAML tag"):
        parse_yaml("a: !custom x\n")


def test_alias_bomb_is_stopped() -> None:
    lines = ['a: &a ["x","x","x","x","x","x","x","x","x"]']
    for i in range(1, 9):
        prev = chr(ord("a") + i - 1)
        cur = chr(ord("a") + i)
        refs = ",".join([f"*{prev}"] * 9)
        lines.append(f"{cur}: &{cur} [{refs}]")
    with pytest.raises(YamlProblem, match="alias bomb"):
        parse_yaml("\n".join(lines) + "\n")


def test_merge_keys_work() -> None:
    assert parse_yaml("base: &b {x: 1}\nchild:\n  <<: *b\n  y: 2\n").data["child"] == {
        "x": 1,
        "y": 2,
    }


def test_entities_of_list_and_non_mappings() -> None:
    parsed = parse_yaml("- id: A\n- just a string\n- id: B\n")
    f = entities_of("c.yaml", parsed)
    assert [s.data["id"] for s in f.sources] == ["A", "B"]
    assert [s.line for s in f.sources] == [1, 3]
    assert f.problem is not None and f.problem.line == 2
    assert entities_of("e.yaml", parse_yaml("# nothing\n")).problem is not None
    assert entities_of("s.yaml", parse_yaml("just text\n")).problem is not None


@pytest.mark.parametrize(
    ("text", "line", "column", "hint"),
    [
        ("id: R-1\n\towner: CIO\n", 2, 1, "a tab character"),
        ("id: R-1\ntitle: Ransomware: encrypts servers\n", 2, 18, "quote the value"),
        ("id: R-1\n- owner: CIO\n", 2, 1, "indentation"),
        ("controls: [A.8.7, A.8.13\n", 2, 1, "not closed"),
    ],
)
def test_yaml_errors_name_line_column_and_likely_cause(
    text: str, line: int, column: int, hint: str
) -> None:
    with pytest.raises(YamlProblem) as info:
        parse_yaml(text)
    assert (info.value.line, info.value.column) == (line, column)
    assert "likely cause" in info.value.message and hint in info.value.message
