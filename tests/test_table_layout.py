"""Column widths from a table's text (render/table_layout.py), and the tables they lay out."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from leafletgen.render.table_layout import BOLD, LINE_CHARACTERS, PADDING_CHARACTERS, column_widths


def shares(widths: tuple[str, ...]) -> list[float]:
    return [float(width.removesuffix("%")) for width in widths]


def test_widths_add_up_to_the_table() -> None:
    widths = column_widths(["A", "Bb", "Ccc"], [["one", "two words", "three words here"]] * 3)
    assert abs(sum(shares(widths)) - 100) < 1e-9
    assert all(width.endswith("%") for width in widths)


def test_a_thousand_columns_share_the_width_without_a_negative_one() -> None:
    header = [f"C{n}" for n in range(1025)]
    got = shares(column_widths(header, [header]))
    assert min(got) > 0 and sum(got) == pytest.approx(100, abs=1e-6)


def test_a_table_that_fits_is_shared_as_its_longest_cells() -> None:
    got = shares(column_widths(["Dose", "When"], [["1 mg", "at night, with water"]]))
    expected_ratio = (4 * BOLD + PADDING_CHARACTERS) / (20 + PADDING_CHARACTERS)
    assert got[0] / got[1] == pytest.approx(expected_ratio, rel=0.02)


def test_no_column_is_narrower_than_its_longest_word() -> None:
    long_text = " ".join(["word"] * 60)  # a cell far wider than the line
    header = ["Symptom", "Description", "Duration"]
    rows = [["Irritability", long_text, "Weeks to months"]]
    got = shares(column_widths(header, rows, row_headers=True))
    for column, longest in ((0, "Irritability"), (2, "Duration")):  # both bold
        least = 100 * (len(longest) * BOLD + PADDING_CHARACTERS) / LINE_CHARACTERS
        assert got[column] >= least - 0.1, (column, got)
    assert got[1] == max(got)  # the long text takes what is left


def test_words_that_cannot_fit_keep_their_proportions() -> None:
    header = ["x" * 50, "y" * 25, "z" * 25]
    got = shares(column_widths(header, [["a", "b", "c"]]))
    least = [n * BOLD + PADDING_CHARACTERS for n in (50, 25, 25)]
    assert got == pytest.approx([100 * x / sum(least) for x in least], abs=0.1)


def test_the_same_table_gives_the_same_widths() -> None:
    header, rows = ["Sign", "What it is like"], [["Crying spells", "Tears you cannot stop."]]
    assert column_widths(header, rows) == column_widths(list(header), [list(r) for r in rows])


def test_the_printed_tables_are_laid_out_fixed(seed_outputs: dict[str, Path]) -> None:
    html = seed_outputs["html"].read_text(encoding="utf-8")
    assert html.count("<colgroup>") == len(re.findall(r"<table[ >]", html)) > 0
    assert "table-layout: fixed" in html


def test_a_short_table_is_kept_whole_and_a_long_one_breaks() -> None:
    from leafletgen.render.table_layout import kept_whole

    header = ["Sign", "What it is like"]
    short = [["Crying", "Tears that come without warning."]] * 3
    assert kept_whole(header, short) and kept_whole(header, short, large_print=True)
    long = [[f"Week {n}", "Take it with food"] for n in range(1, 41)]
    assert not kept_whole(header, long)
    # The same rows take more lines at 18 pt: large print keeps fewer of them whole.
    rows = [["Crying spells", "Uncontrollable tears linked with heightened anxiety."]] * 8
    assert kept_whole(header, rows) and not kept_whole(header, rows, large_print=True)
