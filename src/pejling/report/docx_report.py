"""The report as an editable Word document (DOCX): the same structure and texts as the PDF.

Committees edit reports in Word and file them in their document systems. The Word version is
converted from the report's own HTML (the HTML the PDF is printed from), so it cannot say
anything the PDF does not, and a change to the templates reaches it without a second copy of
the layout:

- `<h1>` becomes Word's *Title*, `<h2>`–`<h4>` *Heading 1*–*3* (the navigation pane and a Word
  table of contents work on them); links within the report become links to Word bookmarks;
- tables become Word tables: merged cells for `colspan`/`rowspan`, header rows repeated on each
  page, rows that do not break across pages, numbers right-aligned, the caption above the table
  and as its alternative text;
- charts and maps (SVG in the HTML) become PNG pictures whose alternative text (`docPr descr`)
  is the image's `alt` text;
- A4 with the print stylesheet's margins and page breaks; the report's title in the page header,
  "Side X af Y" in the footer and, when any figure is synthetic, "SYNTETISKE DATA – ikke rigtige
  tal" in the footer of every page;
- the document's language (da-DK or en-US) and core properties (title, subject, dates).

What the print stylesheet hides (skip link, downloads, site navigation, visually hidden texts)
is left out, as in the PDF; a visually hidden table caption is kept as the table's alt text.
"""

from __future__ import annotations

import base64
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from html.parser import HTMLParser
from urllib.parse import unquote_to_bytes

import vl_convert as vlc
from docx import Document
from docx.blkcntnr import BlockItemContainer
from docx.document import Document as WordDocument
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.shared import Emu, Length, Mm, Pt, RGBColor
from docx.table import _Cell
from docx.text.paragraph import Paragraph

from pejling import __version__
from pejling.report.model import Report
from pejling.report.render import RenderedCharts, render_html
from pejling.report.texts import labels

LANGUAGES = {"da": "da-DK", "en": "en-US"}
PAGE_OF = {"da": "af", "en": "of"}  # "Side 3 af 21"
PNG_SCALE = 2.0  # the SVGs are drawn at screen size; twice that prints sharply at 14 cm
EMU_PER_PX = 9525  # a CSS pixel (1/96 inch)

# A4 with the print stylesheet's margins (report.css, @page)
PAGE_WIDTH, PAGE_HEIGHT = Mm(210), Mm(297)
MARGIN_TOP, MARGIN_SIDE, MARGIN_BOTTOM = Mm(20), Mm(15), Mm(20)
TEXT_WIDTH = Emu(PAGE_WIDTH - 2 * MARGIN_SIDE)
PICTURE_WIDTH = {"chart": Mm(140), "map": Mm(90)}  # figure.chart / figure.map img in print
FACT_LABEL_WIDTH = Mm(42)  # table.facts th in print
KEEP_TOGETHER = {"facts", "summary"}  # tables kept on one page (break-inside: avoid in print)
TABLE_TEXT = "Table Text"  # paragraph styles of our own (Word lists them under these names)
KICKER = "Kicker"

INK = RGBColor(0x1A, 0x1A, 0x1A)
MUTED = RGBColor(0x55, 0x55, 0x55)
ALERT = RGBColor(0xA0, 0x00, 0x00)
LINK = RGBColor(0x0A, 0x58, 0xA8)
BAND = "F3F5F8"

HEADING_STYLES = {
    "h1": "Title",
    "h2": "Heading 1",
    "h3": "Heading 2",
    "h4": "Heading 3",
    "h5": "Heading 4",
    "h6": "Heading 5",
}
# hidden in print (report.css) or shown to screen readers only
HIDDEN_CLASSES = {"skip", "downloads", "site-nav", "visually-hidden"}
HIDDEN_TAGS = {"head", "script", "style", "template", "title", "meta", "link", "button"}
PAGE_BREAK_BEFORE = {"theme", "notes", "toc"}  # section.theme, section.notes, nav.toc
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
INLINE = {
    "a", "abbr", "b", "bdi", "br", "cite", "code", "data", "em", "i", "img", "kbd", "label",
    "mark", "q", "s", "small", "span", "strong", "sub", "sup", "time", "u", "var",
}  # fmt: skip
SPACES = re.compile(r"[ \t\n\r\f]+")
BACKGROUND = re.compile(r"background(?:-color)?\s*:\s*#([0-9a-fA-F]{6})")

# The order of a table cell's properties in WordprocessingML (children in schema order).
TCPR_ORDER = (
    "w:cnfStyle", "w:tcW", "w:gridSpan", "w:hMerge", "w:vMerge", "w:tcBorders", "w:shd",
    "w:noWrap", "w:tcMar", "w:textDirection", "w:tcFitText", "w:vAlign", "w:hideMark",
    "w:headers", "w:cellIns", "w:cellDel", "w:cellMerge", "w:tcPrChange",
)  # fmt: skip


def docx_bytes(report: Report, charts: dict[str, RenderedCharts], html: str | None = None) -> bytes:
    """The report as a Word document, converted from the report's HTML (as the PDF is).

    `html` is `render_html(report, charts)` when the caller has rendered it already.
    """
    generated = report.generated
    return html_to_docx(
        html if html is not None else render_html(report, charts),
        lang=report.lang,
        running_title=report.policy.title,
        subject=report.municipality_name,
        synthetic=report.synthetic,
        created=datetime(generated.year, generated.month, generated.day, tzinfo=UTC),
    )


# --- HTML as a small tree -----------------------------------------------------------------------


@dataclass
class Node:
    """An HTML element with its attributes and children (text as plain strings)."""

    tag: str
    attrs: dict[str, str] = field(default_factory=dict)
    children: list[Node | str] = field(default_factory=list)

    @property
    def classes(self) -> set[str]:
        """The element's classes."""
        return set(self.attrs.get("class", "").split())

    def elements(self, *tags: str) -> Iterator[Node]:
        """Child elements, only those with the given tags when any are given."""
        for c in self.children:
            if isinstance(c, Node) and (not tags or c.tag in tags):
                yield c

    def walk(self) -> Iterator[Node]:
        """This element and every element below it, in document order."""
        yield self
        for c in self.elements():
            yield from c.walk()

    def text(self) -> str:
        """The element's text with whitespace collapsed."""
        parts: list[str] = []

        def collect(n: Node) -> None:
            for c in n.children:
                if isinstance(c, str):
                    parts.append(c)
                else:
                    collect(c)

        collect(self)
        return SPACES.sub(" ", "".join(parts)).strip()


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document")
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack[-1].children.append(Node(tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.stack) - 1, 0, -1):
            if self.stack[i].tag == tag:
                del self.stack[i:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def parse_html(html: str) -> Node:
    """Parse an HTML document (as the report templates write it) into a tree."""
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder.root


def _hidden(node: Node) -> bool:
    return (
        node.tag in HIDDEN_TAGS
        or bool(node.classes & HIDDEN_CLASSES)
        or "hidden" in node.attrs
        or (node.attrs.get("aria-hidden") == "true" and "dot" not in node.classes)
    )


# --- Word XML helpers -----------------------------------------------------------------------------


def _insert(parent: BaseOxmlElement, child: BaseOxmlElement, order: tuple[str, ...]) -> None:
    """Add a property element in schema order (replacing one of the same kind)."""
    tag = child.tag
    for old in parent.findall(tag):
        parent.remove(old)
    name = next(n for n in order if qn(n) == tag)
    parent.insert_element_before(child, *order[order.index(name) + 1 :])


def _element(tag: str, **attrs: str) -> BaseOxmlElement:
    return OxmlElement(tag, {qn(f"w:{k}"): v for k, v in attrs.items()})


def _shading(fill: str) -> BaseOxmlElement:
    return _element("w:shd", val="clear", color="auto", fill=fill)


def _field(p: Paragraph, instruction: str, placeholder: str, size: float) -> None:
    """A Word field (PAGE, NUMPAGES) with a placeholder until Word computes it."""
    for kind in ("begin", "instr", "separate", "text", "end"):
        run = p.add_run()
        if kind == "instr":
            instr = OxmlElement("w:instrText", {qn("xml:space"): "preserve"})
            instr.text = f" {instruction} "
            run._r.append(instr)
        elif kind == "text":
            run.text = placeholder
        else:
            run._r.append(_element("w:fldChar", fldCharType=kind))
        run.font.size = Pt(size)
        run.font.color.rgb = MUTED


# --- from HTML to Word ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Look:
    """Run formatting, inherited down the tree."""

    bold: bool = False
    italic: bool = False
    colour: RGBColor | None = None
    lang: str | None = None
    anchor: str | None = None  # inside an internal link: its bookmark


@dataclass(frozen=True)
class _Block:
    """How to open the paragraph for a block's text."""

    style: str | None = None
    shade: str | None = None
    rule: str | None = None  # colour of a rule on the left (all round with `box`)
    box: bool = False
    keep_with_next: bool = False
    indent: Length | None = None


@dataclass
class _Box:
    """Where paragraphs go: the body or a table cell (whose first paragraph exists already)."""

    container: BlockItemContainer
    spare: Paragraph | None = None
    style: str | None = None  # the paragraph style of its text
    right: bool = False  # a number column: right-aligned
    keep: bool = False  # keep with the next paragraph (a row of a short table)


def _paragraph_block(classes: set[str]) -> _Block:
    """The paragraph look of a block element's class (report.css)."""
    if "synthetic-banner" in classes:
        return _Block(shade="FFF3CD", rule="A00000", box=True)
    if "reason" in classes:
        return _Block(shade=BAND, rule="0072B2")
    if "comment" in classes:
        return _Block(rule="E69F00")
    if "note" in classes:
        return _Block(shade=BAND, rule="666666")
    if "kicker" in classes:
        return _Block(KICKER)
    return _Block()


def _class_look(classes: set[str], look: _Look) -> _Look:
    """The run look of an element's class (report.css)."""
    if "muted" in classes:
        look = replace(look, colour=MUTED)
    if "statement" in classes:
        look = replace(look, italic=True)
    if "suppressed" in classes:
        look = replace(look, italic=True, colour=MUTED)
    return look


def _bookmark_names(tree: Node) -> dict[str, str]:
    """A Word bookmark name for every element a link points to (letters, digits and _, ≤ 40)."""
    ids = {n.attrs["id"] for n in tree.walk() if n.attrs.get("id")}
    targets: list[str] = []
    for n in tree.walk():
        href = n.attrs.get("href", "") if n.tag == "a" else ""
        if href.startswith("#") and href[1:] in ids and href[1:] not in targets:
            targets.append(href[1:])
    names: dict[str, str] = {}
    for target in targets:
        name = re.sub(r"[^A-Za-z0-9_]", "_", target)[:36]
        if not name[:1].isalpha():
            name = "b" + name[:35]
        base, i = name, 1
        while name in names.values():
            i += 1
            name = f"{base[:32]}_{i}"
        names[target] = name
    return names


def _image_png(src: str) -> bytes | None:
    """A data URI's image as PNG (SVG is rasterised; other formats are left out)."""
    if not src.startswith("data:"):
        return None
    meta, _, payload = src[5:].partition(",")
    raw = base64.b64decode(payload) if meta.endswith(";base64") else unquote_to_bytes(payload)
    mime = meta.split(";")[0]
    if mime == "image/svg+xml":
        return bytes(vlc.svg_to_png(raw.decode("utf-8"), scale=PNG_SCALE))
    if mime == "image/png":
        return raw
    return None


def _span(text: str | None, default: int, most: int) -> int:
    value = int(text) if text and text.isdigit() else default
    return max(1, min(value, most))


class _Writer:
    """Walks the HTML tree and writes paragraphs, tables and pictures into the document.

    Paragraphs and runs are built as WordprocessingML elements directly: python-docx's property
    setters search the element for the right place of every property, which made a report's
    few thousand table cells the slow part.
    """

    def __init__(self, doc: WordDocument, bookmarks: dict[str, str]) -> None:
        self.doc = doc
        self.body = doc._body
        self.boxes = [_Box(self.body)]
        self.para: Paragraph | None = None
        self.last_text: BaseOxmlElement | None = None  # the paragraph's last w:t so far
        self.pending_ids: list[str] = []
        self.page_break = False
        self.bookmarks = bookmarks
        self.placed: set[str] = set()
        self.heading = ""  # the latest heading (a picture's title)
        self.style_ids: dict[str, str] = {}

    def style_id(self, name: str) -> str:
        """A style's id (python-docx looks styles up by name slowly)."""
        sid = self.style_ids.get(name)
        if sid is None:
            sid = self.style_ids[name] = self.doc.styles[name].style_id
        return sid

    # paragraphs ---------------------------------------------------------------------------------

    def open(self, block: _Block) -> Paragraph:
        """Start a paragraph in the current box."""
        self.end_paragraph()
        box = self.boxes[-1]
        if box.spare is not None:
            p, box.spare = box.spare, None
        else:
            p = box.container.add_paragraph()
        props: list[BaseOxmlElement] = []  # w:pPr's children, in schema order
        style = block.style or box.style
        if style is not None:
            props.append(_element("w:pStyle", val=self.style_id(style)))
        if block.keep_with_next or box.keep:
            props.append(_element("w:keepNext"))
        if self.page_break:
            props.append(_element("w:pageBreakBefore"))
            self.page_break = False
        if block.rule is not None:
            borders = _element("w:pBdr")
            for side in ("top", "left", "bottom", "right") if block.box else ("left",):
                size = "12" if block.box else "24"
                borders.append(
                    _element(f"w:{side}", val="single", sz=size, space="6", color=block.rule)
                )
            props.append(borders)
        if block.shade is not None:
            props.append(_shading(block.shade))
        if block.indent is not None:
            props.append(_element("w:ind", left=str(int(block.indent.twips))))
        if box.right:
            props.append(_element("w:jc", val="right"))
        if props:
            ppr = _element("w:pPr")
            ppr.extend(props)
            p._p.insert(0, ppr)
        for element_id in self.pending_ids:
            name = self.bookmarks.get(element_id)
            if name is not None and element_id not in self.placed:
                self.placed.add(element_id)
                number = str(len(self.placed))
                p._p.append(_element("w:bookmarkStart", id=number, name=name))
                p._p.append(_element("w:bookmarkEnd", id=number))
        self.pending_ids = []
        self.para = p
        self.last_text = None
        return p

    def end_paragraph(self) -> None:
        last = self.last_text
        if last is not None and last.text and last.text.endswith(" "):
            last.text = last.text.rstrip(" ")
        self.para = None
        self.last_text = None

    # inline content -------------------------------------------------------------------------------

    def text(self, text: str, look: _Look, block: _Block) -> None:
        text = SPACES.sub(" ", text)
        if self.para is None:
            if not text.strip():
                return
            self.open(block)
        last = self.last_text
        if last is None or not last.text or last.text.endswith(" "):
            text = text.lstrip(" ")
        if text:
            self.last_text = self.run(look, text)

    def run(self, look: _Look, text: str | None, shade: str | None = None) -> BaseOxmlElement:
        """Add a run with text (or a line break when `text` is None); returns its w:t or w:br."""
        assert self.para is not None
        props: list[BaseOxmlElement] = []  # w:rPr's children, in schema order
        if look.bold:
            props.append(_element("w:b"))
        if look.italic:
            props.append(_element("w:i"))
        link = look.anchor is not None and shade is None
        colour = LINK if link else look.colour
        if colour is not None:
            props.append(_element("w:color", val=str(colour)))
        if link:
            props.append(_element("w:u", val="single"))
        if shade is not None:
            props.append(_shading(shade))
        if look.lang is not None:
            props.append(_element("w:lang", val=look.lang))
        r = _element("w:r")
        if props:
            rpr = _element("w:rPr")
            rpr.extend(props)
            r.append(rpr)
        if text is None:
            content = _element("w:br")
        else:
            content = OxmlElement("w:t", {qn("xml:space"): "preserve"})
            content.text = text
        r.append(content)
        if link:
            assert look.anchor is not None
            hyperlink = _element("w:hyperlink", anchor=look.anchor, history="1")
            hyperlink.append(r)
            self.para._p.append(hyperlink)
        else:
            self.para._p.append(r)
        return content

    def inline(self, node: Node, look: _Look, block: _Block) -> None:
        if _hidden(node):
            return
        if node.tag == "br":
            if self.para is not None:
                self.run(look, None)
                self.last_text = None
            return
        if node.tag == "img":
            self.picture(node, block, "")
            return
        if "dot" in node.classes:  # a status colour: a swatch, as in the HTML
            colour = BACKGROUND.search(node.attrs.get("style", ""))
            if colour is not None:
                if self.para is None:
                    self.open(block)
                self.run(replace(look, anchor=None), "\u00a0\u00a0", colour.group(1).upper())
                self.last_text = self.run(replace(look, anchor=None), " ")
            return
        if node.tag in ("strong", "b"):
            look = replace(look, bold=True)
        elif node.tag in ("em", "i", "cite"):
            look = replace(look, italic=True)
        elif node.tag == "a":
            href = node.attrs.get("href", "")
            if href.startswith("#") and href[1:] in self.bookmarks:
                look = replace(look, anchor=self.bookmarks[href[1:]])
        if node.attrs.get("lang"):
            look = replace(look, lang=LANGUAGES.get(node.attrs["lang"], node.attrs["lang"]))
        self.flow(node, _class_look(node.classes, look), block, close=False)

    # blocks --------------------------------------------------------------------------------------

    def flow(self, node: Node, look: _Look, block: _Block, close: bool = True) -> None:
        """An element's children: text and inline elements fill paragraphs, blocks stand apart."""
        for child in node.children:
            if isinstance(child, str):
                self.text(child, look, block)
            elif child.tag in INLINE:
                self.inline(child, look, block)
            else:
                self.end_paragraph()
                self.block(child, look)
        if close:
            self.end_paragraph()

    def block(self, node: Node, look: _Look, level: int = 0) -> None:
        if _hidden(node):
            return
        if node.attrs.get("id"):
            self.pending_ids.append(node.attrs["id"])
        classes = node.classes
        if classes & PAGE_BREAK_BEFORE and len(self.boxes) == 1:
            self.page_break = True
        look = _class_look(classes, look)
        tag = node.tag
        if tag in HEADING_STYLES:
            self.heading = node.text()
            self.flow(node, look, _Block(HEADING_STYLES[tag]))
        elif tag in ("ul", "ol"):
            self.listing(node, look, level + 1, numbered=tag == "ol")
        elif tag == "dl":
            for item in node.elements():
                if item.tag == "dt":
                    dt_look = look if "legend" in classes else replace(look, bold=True)
                    self.flow(item, dt_look, _Block(keep_with_next=True))
                elif item.tag == "dd":
                    self.flow(item, look, _Block(indent=Mm(8)))
                else:
                    self.block(item, look)
        elif tag == "table":
            self.table(node, look)
        elif tag == "figure":
            self.figure(node, look)
        elif tag == "img":
            self.picture(node, _Block(), "")
            self.end_paragraph()
        elif tag not in ("hr", "caption"):
            self.flow(node, look, _paragraph_block(classes))

    def listing(self, node: Node, look: _Look, level: int, numbered: bool) -> None:
        kind = "List Number" if numbered else "List Bullet"
        block = _Block(kind if level <= 1 else f"{kind} {min(level, 3)}")
        for item in node.elements("li"):
            if _hidden(item):
                continue
            if item.attrs.get("id"):
                self.pending_ids.append(item.attrs["id"])
            for child in item.children:
                if isinstance(child, str):
                    self.text(child, look, block)
                elif child.tag in ("ul", "ol"):
                    self.end_paragraph()
                    self.listing(child, look, level + 1, numbered=child.tag == "ol")
                elif child.tag in INLINE:
                    self.inline(child, look, block)
                else:
                    self.end_paragraph()
                    self.block(child, look, level)
            self.end_paragraph()

    def figure(self, node: Node, look: _Look) -> None:
        caption = next(node.elements("figcaption"), None)
        kind = "map" if "map" in node.classes else "chart"
        for child in node.elements():
            if child.tag == "img":
                self.picture(child, _Block(keep_with_next=caption is not None), kind)
                self.end_paragraph()
            elif child is not caption:
                self.block(child, look)
        if caption is not None:
            self.flow(caption, look, _Block("Caption"))

    def picture(self, node: Node, block: _Block, kind: str) -> None:
        data = _image_png(node.attrs.get("src", ""))
        if data is None:
            return
        width: Length | None = PICTURE_WIDTH.get(kind)
        if width is None:
            px = node.attrs.get("width", "")
            width = Emu(min(int(px) * EMU_PER_PX, TEXT_WIDTH)) if px.isdigit() else TEXT_WIDTH
        if self.para is None:
            self.open(block)
        assert self.para is not None
        shape = self.para.add_run().add_picture(io.BytesIO(data), width=width)
        alt = SPACES.sub(" ", node.attrs.get("alt", "")).strip()
        doc_pr = shape._inline.docPr
        doc_pr.set("descr", alt)
        doc_pr.set("title", self.heading or alt[:100])
        self.last_text = None

    def table(self, node: Node, look: _Look) -> None:
        classes = node.classes
        caption_node = next(node.elements("caption"), None)
        rows: list[tuple[Node, bool]] = []  # a row, and whether it is in the table head
        for part in node.elements():
            if part.tag == "tr":
                rows.append((part, False))
            elif part.tag in ("thead", "tbody", "tfoot"):
                rows += [(tr, part.tag == "thead") for tr in part.elements("tr")]
        if not rows:
            return
        # the layout grid: where each cell starts and how far it spans
        taken: set[tuple[int, int]] = set()
        placed: list[tuple[int, int, int, int, Node]] = []
        for r, (tr, _head) in enumerate(rows):
            c = 0
            for cell in tr.elements("th", "td"):
                while (r, c) in taken:
                    c += 1
                rs = _span(cell.attrs.get("rowspan"), 1, len(rows) - r)
                cs = _span(cell.attrs.get("colspan"), 1, 1000)
                taken |= {(r + dr, c + dc) for dr in range(rs) for dc in range(cs)}
                placed.append((r, c, rs, cs, cell))
                c += cs
        cols = max(c for _r, c in taken) + 1
        self.end_paragraph()
        if caption_node is not None and not _hidden(caption_node):
            self.flow(caption_node, look, _Block("Caption", keep_with_next=True))
        box = self.boxes[-1]
        if box.spare is not None:  # a table as the first thing in a cell
            self.open(_Block())
            self.end_paragraph()
        if isinstance(box.container, _Cell):  # a table in a cell (python-docx ends the cell)
            table = box.container.add_table(len(rows), cols)
        else:
            table = box.container.add_table(len(rows), cols, TEXT_WIDTH)
        tbl_pr = table._tbl.tblPr
        tbl_pr.insert(0, _element("w:tblStyle", val=self.style_id("Table Grid")))
        if "summary" not in classes:
            width = tbl_pr.find(qn("w:tblW"))
            if width is not None:
                width.set(qn("w:type"), "pct")
                width.set(qn("w:w"), "5000")
        caption = caption_node.text() if caption_node is not None else ""
        if caption:  # the table's alternative text (Word: Table Properties › Alt Text)
            tbl_pr.append(_element("w:tblCaption", val=caption[:255]))
        spans = [(r, c, rs, cs) for r, c, rs, cs, _cell in placed if rs > 1 or cs > 1]
        if spans:
            # cells outside a merged region keep their elements: one layout serves every merge
            before = table._cells
            for r, c, rs, cs in spans:
                before[r * cols + c].merge(before[(r + rs - 1) * cols + c + cs - 1])
        for tr_el, (_tr, head) in zip(table._tbl.tr_lst, rows, strict=True):
            tr_pr = tr_el.get_or_add_trPr()
            tr_pr.append(_element("w:cantSplit"))
            if head:
                tr_pr.append(_element("w:tblHeader"))
        grid = table._cells
        keep_rows = bool(classes & KEEP_TOGETHER)
        for r, c, _rs, _cs, cell in placed:
            tr, head = rows[r]
            target = grid[r * cols + c]
            theme_row = "theme-row" in tr.classes
            if head or theme_row:
                _insert(target._tc.get_or_add_tcPr(), _shading(BAND), TCPR_ORDER)
            # th is bold, but for the goal names down the overview (table.lights, report.css)
            row_name = "lights" in classes and cell.attrs.get("scope") == "row"
            bold = head or theme_row or (cell.tag == "th" and not row_name)
            cell_look = _class_look(cell.classes, replace(look, bold=look.bold or bold))
            keep = keep_rows and r < len(rows) - 1
            self.boxes.append(
                _Box(target, target.paragraphs[0], TABLE_TEXT, "num" in cell.classes, keep)
            )
            self.flow(cell, cell_look, _Block())
            self.boxes.pop()
        if "facts" in classes and cols == 2:
            for column, width in zip(
                table.columns, (FACT_LABEL_WIDTH, Emu(TEXT_WIDTH - FACT_LABEL_WIDTH)), strict=True
            ):
                column.width = width
                for one in column.cells:
                    one.width = width
        if box.container is self.body:  # a little air, and two tables never run together
            self.open(_Block(TABLE_TEXT))
            self.end_paragraph()


# --- the document ---------------------------------------------------------------------------------


def _setup(
    doc: WordDocument,
    *,
    lang: str,
    title: str,
    running_title: str,
    subject: str,
    synthetic: bool,
    created: datetime,
) -> None:
    """Page, styles, language, header and footer, document properties."""
    language = LANGUAGES.get(lang, "da-DK")
    section = doc.sections[0]
    section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
    section.top_margin, section.bottom_margin = MARGIN_TOP, MARGIN_BOTTOM
    section.left_margin = section.right_margin = MARGIN_SIDE
    section.header_distance = section.footer_distance = Mm(8)

    styles = doc.styles
    defaults = styles.element.find(qn("w:docDefaults"))
    if defaults is not None:
        for lang_el in defaults.iter(qn("w:lang")):
            lang_el.set(qn("w:val"), language)
    normal = styles["Normal"]
    normal.font.name = "Calibri"  # the template's body font is Cambria; the PDF is sans-serif
    normal.font.size = Pt(10)
    normal.font.color.rgb = INK
    normal.paragraph_format.space_after = Pt(5)
    normal.paragraph_format.line_spacing = 1.15
    for name, size, after in ((TABLE_TEXT, 9.0, 0.0), (KICKER, 8.0, 0.0)):
        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = normal
        style.quick_style = True
        style.font.size = Pt(size)
        style.paragraph_format.space_after = Pt(after)
        if name == TABLE_TEXT:
            style.paragraph_format.line_spacing = 1.0
        else:
            style.font.all_caps = True
            style.font.color.rgb = MUTED
            style.paragraph_format.keep_with_next = True
    caption = styles["Caption"]
    caption.font.color.rgb = INK
    caption.font.size = Pt(9)
    caption.paragraph_format.space_after = Pt(3)
    for name in ("Header", "Footer"):
        tabs = styles[name].paragraph_format.tab_stops
        tabs.clear_all()
        tabs.add_tab_stop(TEXT_WIDTH, WD_TAB_ALIGNMENT.RIGHT)
    settings = doc.settings.element
    for stale in settings.findall(qn("w:proofState")):  # let Word check the spelling
        settings.remove(stale)

    # the running title from the second page on (@top-left); the footer on every page
    section.different_first_page_header_footer = True
    header = section.header.paragraphs[0]
    run = header.add_run(running_title)
    run.font.size = Pt(8.5)
    run.font.color.rgb = MUTED
    t = labels(lang)
    for footer in (section.footer, section.first_page_footer):
        p = footer.paragraphs[0]
        if synthetic:
            mark = p.add_run(t["synthetic_short"])
            mark.font.bold = True
            mark.font.size = Pt(9)
            mark.font.color.rgb = ALERT
        p.add_run("\t")  # "Side 3 af 21" at the right margin
        of = PAGE_OF.get(lang, PAGE_OF["da"])
        for text, instruction in ((f"{t['page']} ", "PAGE"), (f" {of} ", "NUMPAGES")):
            label = p.add_run(text)
            label.font.size = Pt(9)
            label.font.color.rgb = MUTED
            _field(p, instruction, "1", 9)

    props = doc.core_properties
    props.title = title
    props.subject = subject
    props.language = language
    props.author = "pejling"
    props.last_modified_by = "pejling"
    props.comments = f"pejling {__version__}"
    props.keywords = ""
    props.category = ""
    props.revision = 1
    props.created = created
    props.modified = created


def html_to_docx(
    html: str,
    *,
    lang: str,
    running_title: str,
    subject: str = "",
    synthetic: bool = False,
    created: datetime | None = None,
) -> bytes:
    """Convert a report's HTML into a Word document (see the module's docstring)."""
    tree = parse_html(html)
    title_node = next((n for n in tree.walk() if n.tag == "title"), None)
    doc = Document()
    _setup(
        doc,
        lang=lang,
        title=title_node.text() if title_node is not None else running_title,
        running_title=running_title,
        subject=subject,
        synthetic=synthetic,
        created=created or datetime(2000, 1, 1, tzinfo=UTC),
    )
    body = next((n for n in tree.walk() if n.tag == "body"), tree)
    _Writer(doc, _bookmark_names(tree)).flow(body, _Look(), _Block())
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
