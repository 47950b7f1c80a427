"""The demo's committee documents as a reader sees them: every PDF page drawn inside its margins,
a tagged PDF, and Danish text without English words or code strings.

Pages are rendered to images with PDFium (pypdfium2): text-level checks do not see a table cut
off at the right edge, a picture does.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium  # type: ignore[import-untyped]
import pytest
from pypdf import PdfReader

SEEDS = ["kalundborg-2019", "roskilde-2015", "roskilde-handleplan-2021", "soenderborg-strategi"]
NATIONAL = "nationale-maal"  # the demo's national policy: its report is checked the same way
MM = 72 / 25.4  # PDF points per millimetre
DPI = 50


def _pdfs(demo_dir: Path) -> list[Path]:
    pdfs = sorted((demo_dir / "reports").glob("*-status-*.pdf"))
    assert sorted(p.name.split("-status-")[0] for p in pdfs) == sorted([*SEEDS, NATIONAL])
    return pdfs


def test_every_page_keeps_its_content_inside_the_margins(demo_dir: Path) -> None:
    """Nothing is drawn in the left and right page margins (a cut-off table would be)."""
    problems = []
    for pdf in _pdfs(demo_dir):
        doc = pdfium.PdfDocument(str(pdf))
        for number in range(len(doc)):
            page = doc[number]
            width_pt, _height = page.get_size()
            image = page.render(scale=DPI / 72).to_pil().convert("L")
            scale = image.width / width_pt
            strip = int(11 * MM * scale)  # of the 15 mm side margins
            top, bottom = int(22 * MM * scale), image.height - int(22 * MM * scale)
            for name, box in (
                ("left", (0, top, strip, bottom)),
                ("right", (image.width - strip, top, image.width, bottom)),
            ):
                darkest = image.crop(box).getextrema()[0]
                if darkest < 200:
                    problems.append(f"{pdf.name} page {number + 1}: ink in the {name} margin")
        doc.close()
    assert not problems, "\n".join(problems)


def _figure_alternatives(node: Any) -> list[str]:
    """The /Alt text of every /Figure element under a structure-tree node."""
    node = node.get_object() if hasattr(node, "get_object") else node
    if isinstance(node, list):
        return [alt for child in node for alt in _figure_alternatives(child)]
    if not hasattr(node, "get"):
        return []
    found = [str(node.get("/Alt", ""))] if node.get("/S") == "/Figure" else []
    if node.get("/K") is not None:
        found += _figure_alternatives(node["/K"])
    return found


def test_pdfs_are_tagged_with_language_and_figure_alternatives(demo_dir: Path) -> None:
    for pdf in _pdfs(demo_dir):
        root: Any = PdfReader(pdf).trailer["/Root"]
        assert root["/Lang"] == "da", pdf.name
        assert root["/MarkInfo"]["/Marked"], pdf.name
        tree = root["/StructTreeRoot"].get_object()
        figures = _figure_alternatives(tree["/K"])
        assert figures, pdf.name
        assert all(len(alt) > 20 for alt in figures), pdf.name


def test_footer_page_numbers_are_whole(demo_dir: Path) -> None:
    for pdf in _pdfs(demo_dir):
        reader = PdfReader(pdf)
        total = len(reader.pages)
        for number, page in enumerate(reader.pages, start=1):
            text = re.sub(r"\s+", " ", page.extract_text() or "")
            assert f"Side {number} / {total}" in text, (pdf.name, number)


#: English words and code strings that must not appear in a Danish committee document
FORBIDDEN = [
    r"\bthe\b", r"\bof\b", r"\band\b", r"\bwith\b", r"\bpersons\b", r"\bshare\b", r"\bnumber\b",
    r"\bpercent\b", r"\bpp\b", r"\bVintage\b", r"\bSource\b", r"\bDefinition \(på engelsk\)",
    r"[a-z]+_[a-z_]+", r"\borigin=", r"\btarget_group\b", r"\bunit [a-z]", r"Kilde: Kilde",
    r"\.\.(?!\.)", r"MÅL · MÅL", r"\b\d+\. \d+\. ", r"er nået, og målet",
    r"data er ikke indlæst endnu", r"pejling compute", r"pejling synth\b(?!\))", r"\b\d{4}H[12]\b", r"\b\d{4}-(0[1-9]|1[0-2])\b(?!-)", r"\b\d{4}Q[1-4]\b",
]  # fmt: skip


def _visible_text(html: str) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    html = re.sub(r'\s(src|href|id|class|aria-labelledby|style|alt)="[^"]*"', " ", html)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.mark.parametrize("seed", SEEDS)
def test_danish_report_has_no_english_or_code_strings(demo_dir: Path, seed: str) -> None:
    html = next((demo_dir / "reports").glob(f"{seed}-status-*.html")).read_text("utf-8")
    text = _visible_text(html)
    # the policy documents' own words (statements, notes, sources) are quoted as they are
    hits = []
    for pattern in FORBIDDEN:
        for m in re.finditer(pattern, text):
            hits.append(f"{pattern!r}: …{text[max(0, m.start() - 60) : m.end() + 40]}…")
    assert not hits, "\n".join(hits[:20])
