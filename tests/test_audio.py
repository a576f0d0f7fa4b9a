"""The leaflet read aloud: Opus in Ogg decoded by ffprobe, a chapter per section, a pace a
listener can follow, the voice and rate of leaflet.toml, and the same bytes again."""

from __future__ import annotations

import itertools
import subprocess
from pathlib import Path

import pytest

from leafletgen.engine import Request, document_of, prepare, render
from leafletgen.render import FORMATS, audio
from leafletgen.render.outline import outline_of
from leafletgen.variants import PAPERS
from tests.conftest import SEED, make_project, minimal_leaflet, write_leaflet

TABLE = {
    "table": {
        "caption": "Doses",
        "header": ["Dose", "When"],
        "rows": [["0.5 mg", "morning"], ["1 mg", "evening"]],
    }
}


def _project(root: Path, settings: str = "", **changes: object):  # type: ignore[no-untyped-def]
    (root / "leaflets").mkdir(parents=True)
    sections = [
        {"heading": "What it is", "blocks": [{"paragraph": "A sample medicine."}]},
        {"heading": "How to take it", "blocks": [{"paragraph": "Take it as shown."}, TABLE]},
    ]
    write_leaflet(root / "leaflets", minimal_leaflet(sections=sections, **changes))
    (root / "leaflet.toml").write_text(settings, encoding="utf-8")
    return make_project(root=root)


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> tuple[object, bytes]:
    project = _project(tmp_path_factory.mktemp("audio"))
    rendered = render(project, Request("sample", format="audio"))
    assert rendered.checks[0].ok, rendered.checks[0].failures
    return project, rendered.data


def _document(project, leaflet: str = "sample", language: str | None = None):  # type: ignore[no-untyped-def]
    prepared = prepare(project, leaflet, language, "standard")
    return document_of(project, prepared, PAPERS["a4"], FORMATS["audio"])


def test_a_chapter_per_section_titled_by_its_heading(sample: tuple[object, bytes]) -> None:
    _, data = sample
    found = audio.probe(data)
    assert [title for title, _, _ in found.chapters] == [
        "Sample leaflet",
        "Get help now",
        "Key takeaways",
        "What it is",
        "How to take it",
        "The bottom line",
        "About this leaflet",
    ]
    # The chapters follow one another to the end of the file.
    assert found.chapters[0][1] == 0.0
    assert all(a[2] == pytest.approx(b[1], abs=0.01) for a, b in itertools.pairwise(found.chapters))
    assert found.chapters[-1][2] == pytest.approx(found.duration, abs=0.1)
    assert found.language == "en"


def test_opus_in_ogg_with_no_encoder_version(sample: tuple[object, bytes]) -> None:
    _, data = sample
    assert data[:4] == b"OggS" and b"OpusHead" in data[:100]
    assert b"Lavf" not in data  # bitexact: no muxer version in the file


def test_tables_are_read_row_by_row_with_their_headings(sample: tuple[object, bytes]) -> None:
    project, _ = sample
    spoken = audio.scripts(outline_of(_document(project)))
    table_chapter = spoken[4].script.splitlines()
    assert table_chapter == [
        "How to take it.",
        "Take it as shown.",
        "Doses.",
        "Dose: 0.5 mg; When: morning.",
        "Dose: 1 mg; When: evening.",
    ]


def test_the_check_decodes_and_judges_the_file(sample: tuple[object, bytes]) -> None:
    project, data = sample
    document = _document(project)
    verdict = audio.check(data, document)
    assert verdict.ok and "7 chapters" in verdict.detail
    # Cut to its first half: the last chapters are missing.
    assert not audio.check(data[: len(data) // 2], document).ok
    assert not audio.check(b"not audio", document).ok
    assert audio.check(b"not audio", document).failures[0].startswith("audio-decode:")


def test_the_check_finds_silence_and_a_wrong_pace(
    sample: tuple[object, bytes], tmp_path: Path
) -> None:
    project, data = sample
    document = _document(project)
    source, silent = tmp_path / "a.ogg", tmp_path / "silent.ogg"
    source.write_bytes(data)
    # The same chapters over silence: chapters right, nothing said.
    subprocess.run(
        ["ffmpeg", "-v", "error", "-i", str(source), "-map_chapters", "0", "-af", "volume=0",
         "-c:a", "libopus", str(silent)],
        check=True,
    )  # fmt: skip
    failures = audio.check(silent.read_bytes(), document).failures
    assert any(f.startswith("audio-silent:") for f in failures)
    # Three times as fast as it was spoken: too many words a minute to follow.
    fast = tmp_path / "fast.ogg"
    subprocess.run(
        ["ffmpeg", "-v", "error", "-i", str(source), "-af", "atempo=2.0,atempo=1.5",
         "-map_chapters", "0", "-c:a", "libopus", str(fast)],
        check=True,
    )  # fmt: skip
    failures = audio.check(fast.read_bytes(), document).failures
    assert any(f.startswith("audio-pace:") for f in failures), failures
    # Without its chapters: nothing to find a section by.
    bare = tmp_path / "bare.ogg"
    subprocess.run(
        ["ffmpeg", "-v", "error", "-i", str(source), "-map_chapters", "-1", "-c:a", "copy", str(bare)],
        check=True,
    )  # fmt: skip
    failures = audio.check(bare.read_bytes(), document).failures
    assert any(f.startswith("audio-chapters: 0 chapters") for f in failures), failures


def test_voice_and_rate_come_from_leaflet_toml(
    tmp_path: Path, sample: tuple[object, bytes]
) -> None:
    _, normal = sample
    slow = _project(tmp_path / "slow", "[audio]\nvoice = 'en-us'\nrate = 150\n")
    rendered = render(slow, Request("sample", format="audio"))
    assert rendered.checks[0].ok
    assert audio.voice_of(_document(slow)) == "en-us"
    assert audio.probe(rendered.data).duration > audio.probe(normal).duration * 1.1


def test_an_unknown_voice_fails_clearly(tmp_path: Path) -> None:
    from leafletgen.errors import RenderError

    project = _project(tmp_path, "[audio]\nvoice = 'xx-nonesuch'\n")
    with pytest.raises(RenderError, match="espeak-ng failed"):
        render(project, Request("sample", format="audio"))


def test_same_inputs_same_bytes(sample: tuple[object, bytes]) -> None:
    project, data = sample
    assert render(project, Request("sample", format="audio")).data == data


@pytest.mark.slow
@pytest.mark.parametrize("language", ["es", "ar", "ru"])
def test_the_seed_is_read_in_each_language(language: str) -> None:
    rendered = render(make_project(), Request(SEED.stem, language, format="audio"))
    (verdict,) = rendered.checks
    assert verdict.ok, verdict.failures
    assert audio.probe(rendered.data).language == language
