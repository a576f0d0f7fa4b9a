"""A Piper voice (``[audio] piper_model``): a neural voice a site supplies, an ONNX model with
its ``.onnx.json`` beside it, read by the piper-tts package in this process. It speaks the
leaflets in its own language only (the language its config names); espeak-ng speaks the
others, so no text is ever read in another language's voice.

Piper draws random noise for a livelier voice; leafletgen sets it to zero so that the same
text gives the same samples, and the audio stays reproducible.
"""

from __future__ import annotations

import functools
import hashlib
import json
import wave
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from leafletgen.errors import RenderError

DEFAULT_RATE = 175  # words a minute that a length scale of 1 stands for ([audio] rate)


@dataclass(frozen=True)
class PiperModel:
    path: Path
    language: str  # the family, "en" for en_US
    code: str  # "en_US"


def read_model(path: Path) -> PiperModel:
    """The model and what its config says it speaks; ValueError saying what is wrong."""
    if path.suffix != ".onnx":
        raise ValueError(f"{path.name!r}: a Piper voice is an .onnx file")
    if not path.is_file():
        raise ValueError(f"'{path}': no such file")
    config = path.with_name(path.name + ".json")
    try:
        data = json.loads(config.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise ValueError(
            f"'{config}': a Piper voice needs its config beside it ({error})"
        ) from None
    language = data.get("language") if isinstance(data, dict) else None
    code = language.get("code") if isinstance(language, dict) else None
    if not isinstance(code, str) or not code:
        raise ValueError(f"'{config}': no language code (language.code) in the voice's config")
    return PiperModel(path, code.replace("-", "_").split("_")[0].casefold(), code)


def speaks(model: PiperModel, language: str) -> bool:
    return model.language == language.replace("-", "_").split("_")[0].casefold()


def identity(path: Path) -> str:
    """What the voice is, as an input of the audio it speaks: the model's bytes and the
    versions of piper-tts and onnxruntime."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return f"{_version('piper-tts')}, {_version('onnxruntime')}, model {digest.hexdigest()[:16]}"


def _version(package: str) -> str:
    try:
        return f"{package} {metadata.version(package)}"
    except metadata.PackageNotFoundError:
        return f"{package} missing"


@functools.lru_cache(maxsize=2)
def _voice(path: Path, stamp: tuple[int, int]) -> object:
    try:
        from piper import PiperVoice
    except ImportError:
        raise RenderError(
            "[audio] piper_model needs the piper-tts package (pip install piper-tts)"
        ) from None
    return PiperVoice.load(path)


def speak(model: PiperModel, text: str, rate: int, wav: Path) -> None:
    """``text`` spoken by the voice into the WAV file ``wav``, at about ``rate`` words a
    minute, the same samples every time."""
    from piper import SynthesisConfig

    info = model.path.stat()
    voice = _voice(model.path, (info.st_mtime_ns, info.st_size))
    config = SynthesisConfig(length_scale=DEFAULT_RATE / rate, noise_scale=0.0, noise_w_scale=0.0)
    with wave.open(str(wav), "wb") as out:
        voice.synthesize_wav(text, out, syn_config=config)  # type: ignore[attr-defined]
