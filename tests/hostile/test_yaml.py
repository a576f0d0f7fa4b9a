"""Hostile and broken YAML (issue 8, item 1), end to end through `leaflet build`.

Every broken source gives one line per problem naming the file, the line and the field, exit
status 1 and no traceback; nothing is written for it, and the other leaflets of a batch are
still built. The readers of a pharmacy profile and of leaflet.toml are held to the same rules.
The unit cases of the loader are in tests/test_source.py.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
import tracemalloc
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from leafletgen.cli import main
from leafletgen.content.loader import load_leaflet
from leafletgen.counter import load_pharmacy
from leafletgen.errors import SourceError
from leafletgen.publish.cache import CACHE
from tests.conftest import VALID

GOOD = VALID.replace("id: sample", "id: good")

BILLION_LAUGHS = """\
a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]
i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]
"""
BIG = 50_000_000


def _sparse(path: Path, size: int = BIG) -> None:
    """A file of ``size`` bytes that takes no room on disk."""
    with path.open("wb") as handle:
        handle.truncate(size)


Writer = Callable[[Path], None]


def _text(text: str) -> Writer:
    return lambda path: path.write_text(text, encoding="utf-8")


def _bytes(data: bytes) -> Writer:
    return lambda path: path.write_bytes(data)


# (case, how the bad source is written, the problems reported: "LINE: field: message").
CASES: list[tuple[str, Writer, list[str]]] = [
    (
        "syntax-error",
        _text(VALID.replace("{generic: samplemab}", "{generic: [samplemab")),
        ["4: YAML: did not find expected ',' or ']'"],
    ),
    ("duplicate-key", _text(VALID + "title: again\n"), ["14: title: duplicate key"]),
    (
        "wrong-type",
        _text(VALID.replace('version: "1.0"', "version: 1.0")),
        ["5: version: must be text (put it in quotes if it looks like a number, date or yes/no)"],
    ),
    ("unknown-field", _text(VALID + "colour: red\n"), ["14: colour: unknown field"]),
    ("billion-laughs", _text(BILLION_LAUGHS), ["2: YAML: aliases (*name) are not allowed"]),
    ("fifty-megabytes", _sparse, [": file is larger than 1,000,000 bytes"]),
    (
        "deep-flow-lists",
        _text(VALID + "x: " + "[" * 100_000 + "]" * 100_000 + "\n"),
        ["14: YAML: exceeded maximum nesting depth"],  # libyaml's own limit (1000) comes first
    ),
    (
        "deep-flow-mappings",
        _text(VALID + "x: " + "{a: " * 100_000 + "1" + "}" * 100_000 + "\n"),
        ["14: YAML: nested deeper than 12 levels"],
    ),
    (
        "deep-blocks",
        _text(VALID + "".join(f"{' ' * level}a:\n" for level in range(500)) + "  " * 250 + "b\n"),
        ["26: YAML: nested deeper than 12 levels"],
    ),
    ("not-utf-8", _bytes(VALID.encode() + b"# caf\xe9\n"), ["14: not valid UTF-8 text"]),
    ("empty", _text(""), [": file is empty"]),
    ("only-comments", _text("# a leaflet\n# to be written\n"), [": file is empty"]),
    (
        "two-documents",
        _text(VALID + "---\n" + VALID),
        ["14: YAML: a source is one YAML document, but a second one starts here"],
    ),
    (
        "tab-indented",
        _text(VALID.replace("  - heading", "\t- heading")),
        [
            "10: YAML: found character that cannot start any token "
            "(indent with spaces: YAML does not allow tabs there)"
        ],
    ),
    ("number-key", _text(VALID + "1: one\n"), ["14: key '1' is not text (put it in quotes)"]),
    (
        "merge-key",
        _text(VALID + "<<: {title: merged}\n"),
        ["14: key '<<' is not text (put it in quotes)"],
    ),
    (
        "list-key",
        _text(VALID + "? [a, b]\n: c\n"),
        ["14: a key must be text, not a list or mapping"],
    ),
    (
        "python-tag",
        _text(VALID + "x: !!python/object/apply:os.system [echo hi]\n"),
        ["14: YAML: tags (tag:yaml.org,2002:python/object/apply:os.system) are not allowed"],
    ),
    (
        "str-tag",
        _text(VALID + "y: !!str 1\n"),
        ["14: YAML: tags (tag:yaml.org,2002:str) are not allowed"],
    ),
    (
        "nul-character",
        _text(VALID + "x: a\x00b\n"),
        ["14: YAML: character U+0000: control characters are not allowed"],
    ),
    ("a-list", _text("- id: sample\n"), ["1: must be a mapping of fields"]),
]


def _expected(path: Path, problems: list[str]) -> list[str]:
    # A problem without a line ("": file is empty") follows the file name directly.
    return [f"Error: {path}{p}" if p.startswith(":") else f"Error: {path}:{p}" for p in problems]


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty project folder, the working directory, with leaflets/ in it."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "leaflets").mkdir()
    return tmp_path


def leaflet(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def assert_clean_failure(result: Result, errors: list[str]) -> None:
    """Exit 1, exactly these error lines, and no traceback."""
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit), result.exception
    assert result.stderr.splitlines() == errors
    assert "Traceback" not in result.output


@pytest.mark.parametrize(("case", "write", "problems"), CASES, ids=[c[0] for c in CASES])
def test_a_broken_source_is_one_located_line(
    project: Path, case: str, write: Writer, problems: list[str]
) -> None:
    path = Path("leaflets/sample.yaml")
    write(path)
    started = time.perf_counter()
    result = leaflet("build", "sample", "--out", "out", "--format", "html")
    assert_clean_failure(result, _expected(path, problems))
    assert time.perf_counter() - started < 2
    assert not (project / "out").exists()


def test_a_batch_builds_the_good_leaflet_and_reports_every_bad_one(project: Path) -> None:
    leaflets = Path("leaflets")
    (leaflets / "good.yaml").write_text(GOOD, encoding="utf-8")
    expected = []
    for case, write, problems in CASES:
        write(leaflets / f"{case}.yaml")
        expected += _expected(leaflets / f"{case}.yaml", problems)
    result = leaflet("build", "--all", "--out", "out", "--format", "html")
    assert result.exit_code == 1, result.output
    # Only the errors: the build also warns about the good leaflet's output.
    errors = [line for line in result.stderr.splitlines() if not line.startswith("Warning: ")]
    assert sorted(errors) == sorted(expected)
    assert "Traceback" not in result.output
    assert sorted(p.relative_to("out").as_posix() for p in Path("out").rglob("*")) == [
        CACHE,
        "good",
        "good/good.en.standard.a4.html",
        "index.html",
        "manifest.json",
    ]


def test_a_utf8_bom_is_accepted(project: Path) -> None:
    # Windows editors write one; it is not part of the text, so the source is valid.
    Path("leaflets/sample.yaml").write_text("\ufeff" + VALID, encoding="utf-8")
    result = leaflet("build", "sample", "--out", "out", "--format", "html")
    assert result.exit_code == 0, result.output
    assert Path("out/sample/sample.en.standard.a4.html").is_file()


def _peak_memory(action: Callable[[], object]) -> int:
    tracemalloc.start()
    try:
        action()
    except SourceError:
        pass
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return peak


def test_the_alias_bomb_is_refused_fast_with_bounded_memory(tmp_path: Path) -> None:
    path = tmp_path / "sample.yaml"
    path.write_text(BILLION_LAUGHS, encoding="utf-8")
    started = time.perf_counter()
    assert _peak_memory(lambda: load_leaflet(path)) < 500_000
    assert time.perf_counter() - started < 1
    with pytest.raises(SourceError, match=r"sample\.yaml:2: YAML: aliases"):
        load_leaflet(path)


def test_a_50_mb_file_is_refused_without_being_read(tmp_path: Path) -> None:
    path = tmp_path / "sample.yaml"
    _sparse(path)
    assert _peak_memory(lambda: load_leaflet(path)) < 2_000_000
    with pytest.raises(SourceError, match=r"file is larger than 1,000,000 bytes"):
        load_leaflet(path)


@pytest.fixture
def fifo(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "sample.yaml"
    os.mkfifo(path)
    yield path
    # Whatever a reader blocked on the FIFO is waiting for, let it go: open a writer, close it.
    with contextlib.suppress(OSError):  # no reader is waiting
        os.close(os.open(path, os.O_WRONLY | os.O_NONBLOCK))


def _finishes(action: Callable[[], object], seconds: float = 2) -> list[BaseException]:
    """Run ``action`` in a thread; fail if it is still running after ``seconds``."""
    raised: list[BaseException] = []

    def run() -> None:
        try:
            action()
        except BaseException as error:  # handed to the test
            raised.append(error)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"still reading after {seconds} s"
    return raised


def test_a_fifo_is_refused_not_waited_on(fifo: Path) -> None:
    raised = _finishes(lambda: load_leaflet(fifo))
    assert [str(e) for e in raised] == [f"{fifo}: not a regular file"]


def test_a_fifo_as_pharmacy_profile_is_refused_not_waited_on(fifo: Path, tmp_path: Path) -> None:
    raised = _finishes(lambda: load_pharmacy(fifo, tmp_path))
    assert [str(e) for e in raised] == [f"{fifo}: not a regular file"]


# The pharmacy profile goes through the sources' reader: the same guards, with lines.
PROFILE_CASES = [
    ("name: A\nname: B\n", "2: name: duplicate key"),
    ("name: &n A\naddress: *n\n", "2: YAML: aliases (*name) are not allowed"),
    (
        "name: A\nphone: 5550100\n",
        "2: phone: must be text (put it in quotes if it looks like a number, date or yes/no)",
    ),
    ("name: A\nfax: x\n", "2: fax: unknown field"),
    (
        "name: A\n---\nname: B\n",
        "2: YAML: a source is one YAML document, but a second one starts here",
    ),
    ("name: " + "{a: " * 50 + "x" + "}" * 50 + "\n", "1: YAML: nested deeper than 12 levels"),
]


@pytest.mark.parametrize(
    ("text", "problem"),
    PROFILE_CASES,
    ids=["duplicate-key", "alias", "wrong-type", "unknown-field", "two-documents", "deep"],
)
def test_a_broken_pharmacy_profile_is_one_located_line(
    project: Path, text: str, problem: str
) -> None:
    Path("leaflets/sample.yaml").write_text(VALID, encoding="utf-8")
    Path("pharmacy.yaml").write_text(text, encoding="utf-8")
    result = leaflet("build", "sample", "--out", "out", "--pharmacy", "pharmacy.yaml")
    assert_clean_failure(result, [f"Error: pharmacy.yaml:{problem}"])
    assert not Path("out").exists()


def test_a_huge_pharmacy_profile_or_settings_file_is_refused_unread(project: Path) -> None:
    Path("leaflets/sample.yaml").write_text(VALID, encoding="utf-8")
    _sparse(Path("pharmacy.toml"))
    result = leaflet("build", "sample", "--out", "out", "--pharmacy", "pharmacy.toml")
    assert_clean_failure(result, ["Error: pharmacy.toml: file is larger than 1,000,000 bytes"])
    _sparse(Path("leaflet.toml"))
    result = leaflet("build", "sample", "--out", "out")
    assert_clean_failure(result, ["Error: leaflet.toml: file is larger than 1,000,000 bytes"])
    assert not Path("out").exists()
