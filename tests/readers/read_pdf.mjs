// Read a PDF as Firefox's reader (pdf.js) does and print, as JSON, per page: the text of each
// piece of marked content (by MCID, in the order pdf.js meets it), of the artifacts, and the
// text outside both. Each piece says whether it ends a line (eol) or starts a new one.
// Usage: node read_pdf.mjs FILE.pdf
import { readFile } from "node:fs/promises";
// Text extraction draws nothing: the canvas classes pdf.js wants at load time stay empty.
globalThis.DOMMatrix ??= class DOMMatrix {};
globalThis.ImageData ??= class ImageData {};
globalThis.Path2D ??= class Path2D {};
const { getDocument } = await import("pdfjs-dist/legacy/build/pdf.mjs");

const data = new Uint8Array(await readFile(process.argv[2]));
const pdf = await getDocument({ data, useSystemFonts: false, verbosity: 0 }).promise;
const pages = [];
for (let number = 1; number <= pdf.numPages; number++) {
  const page = await pdf.getPage(number);
  const content = await page.getTextContent({ includeMarkedContent: true });
  const marked = {};   // MCID -> [{str, dir}]
  const artifacts = [];
  const stray = [];    // text in no marked content at all
  const stack = [];
  let lastY = null; // a text item below the previous one starts a new line
  let last = null; // the previous item's extent, left to right
  for (const item of content.items) {
    if (item.type === "beginMarkedContentProps" || item.type === "beginMarkedContent") {
      const match = /_mc(\d+)$/.exec(item.id || "");
      stack.push(match ? Number(match[1]) : item.tag === "Artifact" ? "artifact" : null);
    } else if (item.type === "endMarkedContent") {
      stack.pop();
    } else if ("str" in item) {
      const owner = [...stack].reverse().find((v) => v !== null);
      const [x0, y] = [item.transform[4], item.transform[5]];
      const x1 = x0 + item.width;
      const newLine = item.str !== "" && lastY !== null && Math.abs(y - lastY) > item.height / 2;
      // On one line, a gap between two items (one piece of marked content ends, the next
      // starts) is a space where pdf.js drops the space glyph at the boundary.
      const gap =
        item.str !== "" && !newLine && last !== null &&
        Math.max(last.x0 - x1, x0 - last.x1) > 0.15 * item.height;
      if (item.str !== "") {
        lastY = y;
        last = { x0, x1 };
      }
      const piece = { str: item.str, dir: item.dir, eol: item.hasEOL, newLine, gap };
      if (owner === undefined) stray.push(piece);
      else if (owner === "artifact") artifacts.push(piece);
      else (marked[owner] ||= []).push(piece);
    }
  }
  pages.push({ marked, artifacts, stray });
}
process.stdout.write(JSON.stringify({ pages }));
