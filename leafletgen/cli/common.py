"""What every command shares: the project it works on, the options that name folders, and how
it stops on Ctrl-C or SIGTERM."""

from __future__ import annotations

import ctypes
import signal
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, suppress
from functools import update_wrapper
from pathlib import Path
from typing import Any

import click

PROJECT_DIR = "leafletgen.project_dir"  # the --project option, kept in the root context's meta
INTERRUPTED = "Interrupted: every file written so far is complete; nothing half-written is left."


class Terminated(KeyboardInterrupt):
    """SIGTERM (a service manager, `kill`): a command stops as it does on Ctrl-C, running
    every ``finally`` on the way out, so temporary files are removed."""


def _terminate(signum: int, frame: object) -> None:
    raise Terminated


@contextmanager
def stopped_cleanly(message: str = INTERRUPTED) -> Iterator[None]:
    """Ctrl-C or SIGTERM inside: ``message`` on stderr, and exit 130 or 143 (128 + the signal
    number, as a shell reports a process the signal stopped), not a traceback."""
    # Only the main thread may set a handler (a command run by a test in another thread).
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _terminate)
    try:
        yield
    except KeyboardInterrupt as interruption:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)  # a second one: the line is still written
        click.echo(message, err=True)
        _forget_interrupt_in_eval()
        raise SystemExit(143 if isinstance(interruption, Terminated) else 130) from None
    finally:
        signal.signal(signal.SIGTERM, previous)


def _forget_interrupt_in_eval() -> None:
    """Let the exit status be ours when Ctrl-C came while ``eval`` ran.

    CPython 3.11 marks the interpreter as stopped by an unhandled KeyboardInterrupt whenever
    one leaves code run by ``eval`` of a string, even when a caller handles it, and then ends
    the process by SIGINT instead of exit 130. cssselect2 compiles each CSS selector with
    ``eval``: Ctrl-C while a stylesheet was parsed made one stop in fifteen die by the signal.
    The mark is that interpreter's global; a later one has none by this name.
    """
    with suppress(AttributeError, ValueError):
        ctypes.c_int.in_dll(ctypes.pythonapi, "_Py_UnhandledKeyboardInterrupt").value = 0


def pass_project(command: Callable[..., Any]) -> Callable[..., Any]:
    """Hand the command the Project as its first argument, as click.make_pass_decorator
    does; it is found (and its settings read) only when a command runs, so that `--help`
    works in any folder. Every such command stops cleanly on Ctrl-C and SIGTERM."""

    @click.pass_context
    def with_project(context: click.Context, /, *args: Any, **kwargs: Any) -> Any:
        from leafletgen.project import Project  # reads settings with pydantic: when needed

        with stopped_cleanly():
            root = context.find_root()
            if not isinstance(root.obj, Project):
                folder = root.meta.get(PROJECT_DIR)
                root.obj = Project.load(folder) if folder else Project.find()
            return context.invoke(command, root.obj, *args, **kwargs)

    return update_wrapper(with_project, command)


def listed(values: tuple[str, ...]) -> tuple[str, ...]:
    """Repeated options and comma-separated lists alike: --lang es,ar --lang ru."""
    return tuple(item.strip() for value in values for item in value.split(",") if item.strip())


def leaflets_dir_option(command: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--leaflets-dir",
        type=click.Path(file_okay=False, path_type=Path),
        default=None,
        help="Where leaflet ids are looked up.  [default: the project's leaflets/]",
    )(command)


def out_option(help: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    return click.option(
        "--out",
        "out_dir",
        type=click.Path(file_okay=False, path_type=Path),
        default=None,
        help=f"{help}  [default: the project's output/]",
    )


def paper_option(default: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    from leafletgen.variants import PAPERS

    return click.option(
        "--paper",
        "papers",
        multiple=True,
        metavar=f"[{'|'.join(PAPERS)}]",
        help=f"One paper per run.  [default: {default}]",
    )


def one_paper(papers: tuple[str, ...], default: str) -> str:
    """The paper of ``--paper``, or ``default``. Two papers are refused, never one of them
    built silently: each paper is a run of its own (their files are named apart)."""
    from leafletgen.variants import PAPERS

    names = tuple(dict.fromkeys(listed(papers)))
    checked_names(names, PAPERS, "--paper")
    if len(names) > 1 or names == ("all",):
        raise click.BadParameter(
            f"one paper per run, not {' and '.join(names) if len(names) > 1 else 'all'}: run "
            "the command once for each paper (the files are named by their paper, so both "
            "can go to the same folder)",
            param_hint="--paper",
        )
    return names[0] if names else default


def checked_names(names: tuple[str, ...], registry: Mapping[str, Any], option: str) -> None:
    """Every name is in the registry (or is 'all'), else a usage error naming the option."""
    for name in names:
        if name != "all" and name not in registry:
            raise click.BadParameter(
                f"unknown {option.removeprefix('--')} {name!r} (one of {', '.join(registry)}, all)",
                param_hint=option,
            )
