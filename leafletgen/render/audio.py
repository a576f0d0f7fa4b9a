"""The leaflet read aloud: espeak-ng speaks the outline of the page the PDF prints, one
chapter per section (tables row by row with their headings), and ffmpeg encodes it as Opus
in Ogg with the chapters marked. The check decodes the file with ffprobe: the chapters are
the sections, and every chapter is spoken at a pace a listener can follow.

The same inputs give the same bytes: espeak-ng and libopus are deterministic, and ffmpeg
writes no encoder version or random stream serial (``bitexact``).
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import tempfile
import wave
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from leafletgen.errors import RenderError
from leafletgen.plural import counted
from leafletgen.render import piper
from leafletgen.render.format import Check, Document, Format, Output
from leafletgen.render.outline import Chapter, Outline, outline_of
from leafletgen.render.readback import read_back, spoken_numbers, words

MIN_WPM, MAX_WPM = 100, 250  # what a listener can follow, from slow to brisk
_PACED_WORDS = 40  # a chapter this long is paced on its own, besides the whole file
_TIMEOUT = 600  # seconds for one tool on one leaflet
_BITRATE = "32k"  # speech in Opus: clear at 24 kbit/s and up
# espeak-ng's voices do not all speak their words as fast at one -s: its Arabic read the seed
# at 106 words a minute against English's 137 at 175 (a chapter of it at 98, under the
# check's floor). Its rate is raised by this much so that it reads as briskly.
_RATE_FACTOR = {"ar": 1.2}


@dataclass(frozen=True)
class Spoken:
    """One chapter as the speech engine reads it."""

    title: str
    script: str  # one sentence or item a line


def scripts(outline: Outline) -> list[Spoken]:
    return [Spoken(chapter.title, _script(chapter)) for chapter in outline.chapters]


def _script(chapter: Chapter) -> str:
    # A heading or an item without a full stop would run into the next line when spoken.
    return "\n".join(_ended(text) for text in chapter.texts())


def _ended(text: str) -> str:
    return text if text[-1:] in ".!?:;。؟" else f"{text}."


def voice_of(document: Document) -> str:
    return document.audio.voice or document.localization.language


def piper_voice(document: Document) -> piper.PiperModel | None:
    """The site's Piper voice, when it speaks this leaflet's language; else espeak-ng."""
    if document.piper_model is None:
        return None
    try:
        model = piper.read_model(document.piper_model)
    except ValueError as error:
        raise RenderError(f"{document.name}: [audio] piper_model: {error}") from None
    return model if piper.speaks(model, document.localization.language) else None


def render(document: Document) -> Output:
    outline = outline_of(document)
    spoken = scripts(outline)
    with tempfile.TemporaryDirectory(prefix="leafletgen-audio-") as folder:
        work = Path(folder)
        voice = piper_voice(document)
        waves = [
            _speak(document, voice, chapter, work / f"{n:03d}") for n, chapter in enumerate(spoken)
        ]
        frames, rate = _joined(waves, work / "leaflet.wav")
        (work / "chapters.txt").write_text(
            _ffmetadata(outline, spoken, frames, rate, document.localization.language),
            encoding="utf-8",
        )
        out = work / "leaflet.ogg"
        _run(
            [
                _tool("ffmpeg"),
                *("-nostdin", "-v", "error", "-y"),
                *("-i", str(work / "leaflet.wav"), "-i", str(work / "chapters.txt")),
                *("-map", "0:a", "-map_metadata", "1", "-map_chapters", "1"),
                *("-c:a", "libopus", "-b:a", _BITRATE, "-ac", "1", "-application", "voip"),
                *("-fflags", "+bitexact", "-flags:a", "+bitexact", "-f", "ogg", str(out)),
            ],
            document,
        )
        return Output(out.read_bytes(), None)


def _espeak_rate(document: Document) -> int:
    """The project's rate, for the espeak-ng voice that reads this leaflet."""
    language = voice_of(document).split("-")[0].lower()
    return round(document.audio.rate * _RATE_FACTOR.get(language, 1.0))


def _speak(document: Document, voice: piper.PiperModel | None, chapter: Spoken, stem: Path) -> Path:
    text, wav = stem.with_suffix(".txt"), stem.with_suffix(".wav")
    if voice is not None:
        piper.speak(voice, chapter.script, document.audio.rate, wav)
        return wav
    text.write_text(chapter.script, encoding="utf-8")
    _run(
        [
            _tool("espeak-ng"),
            *("-v", voice_of(document), "-s", str(_espeak_rate(document))),
            *("-b", "1", "-f", str(text), "-w", str(wav)),
        ],
        document,
    )
    return wav


def _joined(waves: list[Path], out: Path) -> tuple[list[int], int]:
    """The chapters one after another in one file; the frame count of each."""
    frames = []
    with wave.open(str(out), "wb") as joined:
        for index, path in enumerate(waves):
            with wave.open(str(path), "rb") as part:
                if index == 0:
                    joined.setparams(part.getparams())
                frames.append(part.getnframes())
                joined.writeframes(part.readframes(part.getnframes()))
        rate = joined.getframerate()
    return frames, rate


def _ffmetadata(
    outline: Outline, spoken: list[Spoken], frames: list[int], rate: int, language: str
) -> str:
    lines = [";FFMETADATA1", f"title={_escaped(outline.title)}", f"language={language}", ""]
    start = 0
    for chapter, count in zip(spoken, frames, strict=True):
        lines += [
            "[CHAPTER]",
            f"TIMEBASE=1/{rate}",
            f"START={start}",
            f"END={start + count}",
            f"title={_escaped(chapter.title)}",
            "",
        ]
        start += count
    return "\n".join(lines)


def _escaped(value: str) -> str:
    # FFMETADATA: these four are escaped with a backslash; a line break would end the value.
    for char in "\\=;#":
        value = value.replace(char, "\\" + char)
    return " ".join(value.split())


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise RenderError(f"audio needs {name} (Debian: espeak-ng and ffmpeg)")
    return found


def _run(command: list[str], document: Document) -> None:
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=_TIMEOUT)
    except subprocess.TimeoutExpired:
        raise RenderError(f"{document.name}: {Path(command[0]).name} took too long") from None
    if result.returncode != 0:
        raise RenderError(
            f"{document.name}: {Path(command[0]).name} failed: {result.stderr.strip()[:300]}"
        )


@dataclass(frozen=True)
class Probe:
    duration: float  # seconds
    chapters: tuple[tuple[str, float, float], ...]  # title, start, end
    language: str


def _on_file(data: bytes, command: Callable[[str], list[str]]) -> subprocess.CompletedProcess[str]:
    """Run a tool on the audio, given to it as a file."""
    with tempfile.NamedTemporaryFile(suffix=".ogg") as file:
        file.write(data)
        file.flush()
        return subprocess.run(command(file.name), capture_output=True, text=True, timeout=_TIMEOUT)


def probe(data: bytes) -> Probe:
    """What ffprobe decodes of an audio file; RenderError when it cannot read it."""
    result = _on_file(
        data,
        lambda name: [
            _tool("ffprobe"),
            *("-v", "error", "-print_format", "json"),
            *("-show_format", "-show_streams", "-show_chapters", name),
        ],
    )
    if result.returncode != 0:
        raise RenderError(f"ffprobe cannot read it: {result.stderr.strip()[:200]}")
    found = json.loads(result.stdout)
    streams = found.get("streams", [])
    tags = streams[0].get("tags", {}) if streams else {}
    return Probe(
        duration=float(found.get("format", {}).get("duration", 0.0)),
        chapters=tuple(
            (c.get("tags", {}).get("title", ""), float(c["start_time"]), float(c["end_time"]))
            for c in found.get("chapters", [])
        ),
        language=tags.get("language", ""),
    )


def check(data: bytes, document: Document) -> Check:
    """Decoded by ffprobe: Opus audio, a chapter per section titled by its heading, every
    chapter spoken at 100 to 250 words a minute of its text, and the spoken text keeping every
    heading, word and number of the edition."""
    try:
        found = probe(data)
    except RenderError as error:
        return Check("audio", False, (f"audio-decode: {error.format_message()}",))
    outline = outline_of(document)
    spoken = scripts(outline)
    language = document.localization.language
    failures = list(_chapter_failures(found, spoken, language))
    if (loudness := _mean_volume(data)) < _SILENCE_DB:
        failures.append(
            f"audio-silent: mean volume {loudness:.0f} dB (speech is above {_SILENCE_DB} dB)"
        )
    if found.language != language:
        failures.append(f"audio-language: {found.language!r}")
    script = "\n".join(chapter.script for chapter in spoken)
    readback = read_back(outline.text(), outline.headings, script, language)
    failures += readback.failures(min_coverage=1.0, prefix="audio-script")
    total = sum(_spoken_words(chapter.script, language) for chapter in spoken)
    pace = total / (found.duration / 60) if found.duration else 0.0
    if not MIN_WPM <= pace <= MAX_WPM:
        failures.append(f"audio-pace: {pace:.0f} words a minute ({MIN_WPM} to {MAX_WPM})")
    detail = f"{found.duration / 60:.1f} min, {counted(len(found.chapters), 'chapter')}, {pace:.0f} words/min"
    return Check("audio", not failures, tuple(failures), detail)


_SILENCE_DB = -45.0
_MEAN_VOLUME = re.compile(r"mean_volume: (-?[0-9.]+|-inf) dB")


def _mean_volume(data: bytes) -> float:
    """The mean volume of the decoded audio (ffmpeg's volumedetect), in dB."""
    result = _on_file(
        data,
        lambda name: [
            _tool("ffmpeg"),
            "-nostdin",
            "-i",
            name,
            "-af",
            "volumedetect",
            "-f",
            "null",
            "-",
        ],
    )
    found = _MEAN_VOLUME.search(result.stderr)
    return float(found[1]) if found else float("-inf")


def _chapter_failures(found: Probe, spoken: list[Spoken], language: str) -> Iterator[str]:
    titles = [title for title, _, _ in found.chapters]
    expected = [chapter.title for chapter in spoken]
    if titles != expected:
        yield f"audio-chapters: {len(titles)} chapters {titles[:3]}…, the sections are {len(expected)} {expected[:3]}…"
        return
    for (title, start, end), chapter in zip(found.chapters, spoken, strict=True):
        count, minutes = _spoken_words(chapter.script, language), (end - start) / 60
        pace = count / minutes if minutes > 0 else float("inf")
        # A chapter of a few words is mostly the pauses around them: only the whole is paced.
        if count >= _PACED_WORDS and not MIN_WPM <= pace <= MAX_WPM:
            yield (
                f"audio-pace: chapter {title!r} is {pace:.0f} words a minute "
                f"({MIN_WPM} to {MAX_WPM})"
            )


def _spoken_words(script: str, language: str) -> int:
    """Words and numbers: each number is read as at least one word."""
    return len(words(script)) + spoken_numbers(script, language)


def tools(language: str) -> str:
    """espeak-ng's version and its dictionary for the language, ffmpeg's and libopus'."""
    speech = _first_line([_tool_or("espeak-ng"), "--version"]) if shutil.which("espeak-ng") else ""
    found = _ESPEAK.search(speech)
    if found is None:
        return "espeak-ng missing"
    dictionary = Path(found["data"]) / f"{language.split('-')[0].split('_')[0]}_dict"
    words = hashlib.sha256(dictionary.read_bytes()).hexdigest()[:16] if dictionary.is_file() else ""
    encoder = _first_line([_tool_or("ffmpeg"), "-version"]) if shutil.which("ffmpeg") else ""
    ffmpeg = encoder.split()[2] if len(encoder.split()) > 2 else "missing"  # "ffmpeg version 5.1…"
    return f"espeak-ng {found['version']} (dictionary {words}), ffmpeg {ffmpeg}, {_opus_version()}"


_ESPEAK = re.compile(r"text-to-speech:\s*(?P<version>\S+)\s+Data at:\s*(?P<data>.+)$")


def _tool_or(name: str) -> str:
    return shutil.which(name) or name


def _first_line(command: list[str]) -> str:
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return ""
    lines = (result.stdout or result.stderr).strip().splitlines()
    return lines[0] if result.returncode == 0 and lines else ""


def _opus_version() -> str:
    import ctypes
    import ctypes.util

    name = ctypes.util.find_library("opus")
    if name is None:
        return "libopus missing"
    library = ctypes.CDLL(name)
    library.opus_get_version_string.restype = ctypes.c_char_p
    return library.opus_get_version_string().decode("ascii")


FORMAT = Format(
    "audio", ".ogg", "audio/ogg; codecs=opus", render, check, kind="Ogg Opus", tools=tools
)
