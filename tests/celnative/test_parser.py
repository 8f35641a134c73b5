"""cel-python's grammar, parsed by a lark parser that can be cached on disk."""

from __future__ import annotations

from pathlib import Path

from checker.celnative import parser


def test_the_cache_file_is_written_and_read(tmp_path: Path) -> None:
    cache = tmp_path / "sub" / "cel.lark"
    first = parser.build_parser(cache)
    assert cache.is_file()
    second = parser.build_parser(cache)
    text = "risk.plan_ids.exists(p, p in isms.plans) && !(today > risk.assessed)"
    assert first.parse(text) == second.parse(text)


def test_a_broken_cache_file_is_rebuilt(tmp_path: Path) -> None:
    cache = tmp_path / "cel.lark"
    cache.write_bytes(b"not a pickle")
    assert parser.build_parser(cache).parse("1 + 1") is not None


def test_an_unwritable_cache_folder_means_no_cache(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert parser.build_parser(blocker / "cel.lark").parse("1 + 1") is not None


def test_the_cache_is_in_the_runs_cache_folder(tmp_path: Path) -> None:
    path = parser.cache_file(tmp_path)
    assert path is not None and path.parent == tmp_path
    assert parser.cache_file(None) is None  # --no-cache


def test_same_tree_as_cel_python() -> None:
    from celpy.celparser import CELParser

    text = "a.b(c)[d] in [1, 2u, 3.0, 'x', b'y', null, true] ? {k: -v} : .f(!g)"
    assert parser.parse(text) == CELParser().parse(text)
