#!/usr/bin/env bash
# Debian packages leafletgen needs: Pango for WeasyPrint's layout, HarfBuzz-Subset for font
# subsetting (it changes the PDF bytes, so every machine must use it), poppler-utils for
# looking at pages as PNG (pdftoppm), and for the tests of the HTML twin Chromium, which
# Playwright drives at /usr/bin/chromium (it cannot download its own browser here), and
# libatomic1, which Playwright's bundled node needs; strace, with which a test proves that a
# build reads no file outside the project and connects nowhere; Node and npm, which run pdf.js
# (tests/readers/), the reader Firefox shows PDFs with; liblouis and its tables for the
# braille-ready file (loaded with ctypes: Debian's python3-louis is not in the venv); epubcheck
# (and its Java) for the e-book's check; espeak-ng and ffmpeg (ffprobe) to speak, encode and
# check the audio; zbar-tools, with which a test reads the QR code off a printed page.
# Installs only what is missing.
set -euo pipefail
packages=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 poppler-utils
          chromium libatomic1 strace nodejs liblouis20 liblouis-data
          epubcheck espeak-ng ffmpeg zbar-tools)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
# Debian's nodejs comes without npm; NodeSource's bundles it (and conflicts with Debian's).
command -v npm >/dev/null || missing+=(npm)
[ ${#missing[@]} -eq 0 ] && exit 0
echo "Installing Debian packages: ${missing[*]}"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
