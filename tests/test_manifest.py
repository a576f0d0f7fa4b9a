"""manifest.json read as a stream and kept packed (issue 21, item 2): what a reader sees is
what json.load would give, whatever the chunk boundaries; a broken manifest lists nothing;
writing it back gives the same bytes."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from leafletgen.publish import manifest as manifest_module
from leafletgen.publish.cache import BuildCache
from leafletgen.publish.manifest import JOURNAL, MANIFEST, Manifest, append, compact, value_hash

LANGUAGES = ("en", "es", "ar")
VARIANTS = ("standard", "large-print")


def _write_outputs(out: Path, leaflets: int) -> dict[str, dict[str, object]]:
    """Small files and the manifest a build would leave for them; returns the entries, with
    their inputs, as the journal recorded them."""
    record = {}
    for n in range(leaflets):
        leaflet = f"med-{n:03d}"
        for language in LANGUAGES:
            for variant in VARIANTS:
                key = f"{leaflet}/{leaflet}.{language}.{variant}.a4.pdf"
                data = f"{key} é ش\n".encode()
                (out / leaflet).mkdir(parents=True, exist_ok=True)
                (out / key).write_bytes(data)
                record[key] = {
                    "leaflet": leaflet,
                    "version": f"1.{n}",
                    "language": language,
                    "variant": variant,
                    "paper": "a4",
                    "format": "pdf",
                    "pages": 2,
                    "title": f"Título {n} — عنوان",
                    "size": len(data),
                    "translation": "original" if language == "en" else "draft translation",
                    "sha256": hashlib.sha256(data).hexdigest(),
                    "inputs": {
                        "source": value_hash(leaflet),
                        "catalog": value_hash([leaflet, language]),
                        "templates": value_hash([variant, language]),
                        "leafletgen": "0.1.0",
                    },
                }
    append(out, record=record)
    compact(out)
    return json.loads(json.dumps(record, sort_keys=True))


@pytest.mark.parametrize("chunk", [7, 300, 1 << 20])
def test_read_in_chunks_gives_what_json_load_gives(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chunk: int
) -> None:
    out = tmp_path / "output"
    recorded = _write_outputs(out, 12)
    monkeypatch.setattr(manifest_module._JsonStream, "CHUNK", chunk)
    monkeypatch.setattr(manifest_module._JsonStream, "AHEAD", min(chunk, 1 << 16))
    entries = Manifest(out).entries
    assert dict(entries) == recorded
    # The file itself, as json.load reads it, with each entry's inputs looked up by its ref.
    document = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    assert len(document["inputs"]) == len(recorded)  # one set of inputs per output here
    for key, entry in document["outputs"].items():
        assert {**entry, "inputs": document["inputs"][entry["inputs"]]} == entries[key]


def test_written_back_byte_for_byte(tmp_path: Path) -> None:
    out = tmp_path / "output"
    recorded = _write_outputs(out, 5)
    # Fields a build does not write (a hand's, a later version's) are kept, nested or empty.
    key = "med-001/med-001.ar.large-print.a4.pdf"
    extra = {"note": {"by": ["a", {"é": None, "n": 1.5}], "none": {}}, "flag": True}
    append(out, record={key: {**recorded[key], **extra}})
    compact(out)
    before = (out / MANIFEST).read_bytes()
    document = json.loads(before)
    # As json.dumps writes the same document: the layout the batched reader recognises.
    assert before == json.dumps(document, indent=2, ensure_ascii=False).encode() + b"\n"
    Manifest(out).save()
    assert (out / MANIFEST).read_bytes() == before


def test_an_entry_is_a_copy(tmp_path: Path) -> None:
    out = tmp_path / "output"
    _write_outputs(out, 1)
    manifest = Manifest(out)
    key = "med-000/med-000.es.standard.a4.pdf"
    entry = manifest.entries[key]
    inputs = dict(entry["inputs"])  # type: ignore[call-overload]
    entry["sha256"] = "0" * 64
    entry["inputs"]["source"] = "changed"  # type: ignore[index]
    assert manifest.entries[key]["sha256"] != "0" * 64
    assert manifest.is_current(key, inputs, BuildCache())
    assert not manifest.is_current(key, {**inputs, "source": "changed"}, BuildCache())


@pytest.mark.parametrize(
    "damage",
    [
        lambda text: text[: len(text) // 2],  # cut short: a disk that filled up
        lambda text: text.replace('"sha256"', '"sha256" 1', 1),
        lambda text: text + "{}",
        lambda text: "[" + text + "]",
        lambda text: "",
    ],
)
def test_a_damaged_manifest_lists_nothing(tmp_path: Path, damage: object) -> None:
    out = tmp_path / "output"
    _write_outputs(out, 3)
    path = out / MANIFEST
    path.write_text(damage(path.read_text(encoding="utf-8")), encoding="utf-8")  # type: ignore[operator]
    assert len(Manifest(out).entries) == 0  # everything is rebuilt


def test_written_some_other_way_it_still_reads(tmp_path: Path) -> None:
    """Compact JSON, the outputs before the table, keys with escapes: read member by member."""
    out = tmp_path / "output"
    recorded = _write_outputs(out, 2)
    document = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    reordered = {"note": ["made by hand"], "outputs": document["outputs"], **document}
    (out / MANIFEST).write_text(json.dumps(reordered, ensure_ascii=True), encoding="utf-8")
    assert dict(Manifest(out).entries) == recorded


def test_journal_entries_shaped_wrongly_are_left_out(tmp_path: Path) -> None:
    out = tmp_path / "output"
    recorded = _write_outputs(out, 1)
    key = "med-000/med-000.en.standard.a4.pdf"
    append(out, record={key: {**recorded[key], "leaflet": "../.."}})
    append(out, record={"private/patients.pdf": recorded[key]})
    assert (out / JOURNAL).is_file()
    entries = Manifest(out).entries
    assert key not in entries and "private/patients.pdf" not in entries
    assert len(entries) == len(recorded) - 1
