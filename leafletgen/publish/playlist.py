"""``<id>/<id>.m3u``: a leaflet's audio in every language and variant built, as one playlist.

Like index.html it comes from the folder's manifest, so an incremental build still lists
every recording; each entry gives its length, its title in its language and the language.
"""

from __future__ import annotations

from pathlib import Path

from leafletgen.files import write_atomic
from leafletgen.publish.index import Language
from leafletgen.publish.manifest import Manifest
from leafletgen.render.audio import probe


def write_playlists(manifest: Manifest) -> list[Path]:
    """Write the playlist of every leaflet with audio in the folder; return their paths. Call
    it holding the folder's lock, with the manifest read under it (as ``write_index``)."""
    out_dir = manifest.out_dir
    recordings: dict[str, list[tuple[str, dict[str, object]]]] = {}
    for key, entry in sorted(manifest.entries.items()):
        if entry.get("format") == "audio" and (out_dir / key).is_file():
            recordings.setdefault(str(entry["leaflet"]), []).append((key, entry))
    written = []
    for leaflet, entries in recordings.items():
        path = out_dir / leaflet / f"{leaflet}.m3u"
        write_atomic(path, playlist(out_dir, entries).encode("utf-8"))
        written.append(path)
    return written


def playlist(out_dir: Path, entries: list[tuple[str, dict[str, object]]]) -> str:
    lines = ["#EXTM3U"]
    for key, entry in entries:
        seconds = round(probe((out_dir / key).read_bytes()).duration)
        language = Language.of(str(entry["language"]))
        title = " ".join(str(entry.get("title") or entry["leaflet"]).split())  # one line
        lines += [
            f"#EXTINF:{seconds},{title} ({language.name}, {entry['variant']})",
            Path(key).name,  # beside the playlist
        ]
    return "\n".join(lines) + "\n"
