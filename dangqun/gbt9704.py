"""The 通报 as a Word file laid out per GB/T 9704-2012 (党政机关公文格式), and as PDF through LibreOffice.

Layout: A4; top margin 37 mm, left 28 mm, text block 156 × 225 mm (so right 26 mm, bottom 35 mm);
title 2号 (22 pt) 小标宋, centred; body 3号 (16 pt) 仿宋 with a two-character first-line indent and 22
lines a page; 一、 headings 黑体, （一） headings 楷体; page numbers 4号 (14 pt) "— 1 —" below the text
block, odd pages right and even pages left, one character in.

The official fonts are named in the document (config/report.toml [fonts], first name): a Windows
machine of an organ has them. For the PDF, LibreOffice is told through fontconfig to draw each missing
one with the first installed fallback in its list, and embeds the fonts it used (仿宋 by LXGW WenKai, 楷体 by
AR PL UKai CN where the official fonts are missing: see config/report.toml).

The title is broken into its lines here, between its parts (title_lines), as neither Word nor LibreOffice
knows Chinese words; the 附件 table's columns are measured from their content and fixed (column_widths), so
that no number or header wraps."""
from __future__ import annotations

import io
import itertools
import os
import re
import subprocess
import tempfile
import unicodedata
from pathlib import Path
from xml.sax.saxutils import escape

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from dangqun.views.report import Report

PAGE_W, PAGE_H = Mm(210), Mm(297)
TOP, LEFT, TEXT_W, TEXT_H = Mm(37), Mm(28), Mm(156), Mm(225)
RIGHT, BOTTOM = PAGE_W - LEFT - TEXT_W, PAGE_H - TOP - TEXT_H
SIZE_TITLE, SIZE_BODY, SIZE_PAGE_NO, SIZE_TABLE = Pt(22), Pt(16), Pt(14), Pt(10.5)   # 2号, 3号, 4号, 5号
LINE = Pt(28.95)          # 225 mm / 22 lines
STYLES = {"title": "Title", "body": "Normal", "heading1": "Heading 1", "heading2": "Heading 2"}
SOFFICE = ("soffice", "libreoffice")
CELL_PAD = Mm(1)          # a table cell's left and right margins (Word's default is 1.9 mm)
# the title's parts that no line may split, each with how good a line break before it is (lower is better);
# the best one, between the region and period and what the title is about, is added by title_lines
TITLE_PHRASES = (("运行情况", 1), ("党群服务中心", 3), ("村（社区）", 3), ("通报", 4))


class PdfError(RuntimeError):
    pass


# ── measuring text ──────────────────────────────────────────────────────────────────────────

def em_width(text: str) -> float:
    """How wide `text` sets, in ems of its font size: CJK characters and full-width punctuation one em (and
    the ambiguous ones, — “” ·, which Chinese fonts set full width), digits, letters and the like a little
    over half (0.6: the fallbacks' digits are 0.5–0.6 em), % 0.9."""
    out = 0.0
    for ch in text:
        if unicodedata.east_asian_width(ch) in ("W", "F", "A"):
            out += 1.0
        elif ch == "%":
            out += 0.9
        else:
            out += 0.6
    return out


def _pt(length) -> float:
    return length / 12700       # EMU → pt


_OPENING, _CLOSING = "（《“‘〔【(", "）》”’〕】)，。、；：！？,.;:!?%"


def _title_units(title: str, region_name: str = "", period_label: str = "") -> list[tuple[str, int]]:
    """The title cut into pieces no line may split, each with the rank of a break before it (see
    TITLE_PHRASES): the region, the period (rank 2 between them), then known phrases, then jieba's words
    (rank 5; a number stays with its 年/月). A break right after the region and period ranks 0. Without
    them given, the period is found as 2022年, 2022年第四季度 or 2022年12月 and the region is what precedes it."""
    units: list[tuple[str, int]] = []
    rest = title
    if not period_label:
        found = re.search(r"[0-9]{4}年(?:第[一二三四]季度|[0-9]{1,2}月)?", title)
        period_label = found.group() if found else ""
        region_name = title[:found.start()] if found else ""
    if region_name and period_label and title.startswith(region_name + period_label):
        units = [(region_name, 0), (period_label, 2)]
        rest = title[len(region_name + period_label):]
    elif period_label and period_label in title:
        head, rest = title.split(period_label, 1)
        units = [(head, 0)] if head else []
        units.append((period_label, 5 if head else 0))
    first_of_rest = bool(units)
    while rest:
        for phrase, rank in TITLE_PHRASES:
            if rest.startswith(phrase):
                units.append((phrase, 0 if first_of_rest else rank))
                rest = rest[len(phrase):]
                break
        else:
            nxt = min((i for i in (rest.find(p) for p, _ in TITLE_PHRASES) if i > 0), default=len(rest))
            units += [(w, 0 if first_of_rest and k == 0 else 5) for k, w in enumerate(_words(rest[:nxt]))]
            rest = rest[nxt:]
        first_of_rest = False
    # no line opens with closing punctuation or ends with opening punctuation
    out: list[tuple[str, int]] = []
    for text, rank in units:
        if out and (text[0] in _CLOSING or out[-1][0][-1] in _OPENING):
            out[-1] = (out[-1][0] + text, out[-1][1])
        else:
            out.append((text, rank))
    return out


def _words(text: str) -> list[str]:
    """jieba's words of `text`, a number kept with the 年/月/日/季度 after it."""
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    out: list[str] = []
    for w in jieba.lcut(text, HMM=False):
        if out and re.fullmatch(r"[0-9０-９]+", out[-1]) and re.match(r"(年|月|日|季度|号|个|件)", w):
            out[-1] += w
        else:
            out.append(w)
    return out


def title_lines(title: str, region_name: str = "", period_label: str = "", width_em: float | None = None,
                max_lines: int = 3) -> list[str]:
    """The title in lines as GB/T 9704 wants them (回行时词意完整，排列对称): the fewest lines that each fit the
    text block, broken only between the title's parts, the best-ranked breaks first (region and period |
    村（社区）党群服务中心运行情况通报), then the most even lengths."""
    width = width_em if width_em is not None else _pt(TEXT_W) / _pt(SIZE_TITLE) - 0.5   # a little room
    if em_width(title) <= width:
        return [title]
    units = _title_units(title, region_name, period_label)
    best = None
    for n in range(1, min(max_lines, len(units))):
        for cuts in itertools.combinations(range(1, len(units)), n):
            bounds = (0, *cuts, len(units))
            lines = ["".join(t for t, _ in units[a:b]) for a, b in zip(bounds, bounds[1:])]
            widths = [em_width(line) for line in lines]
            if max(widths) > width:
                continue
            key = (sorted((units[c][1] for c in cuts), reverse=True), max(widths) - min(widths))
            if best is None or key < best[0]:
                best = (key, lines)
        if best:
            return best[1]
    return [title]      # nothing fits: left to the word processor


def column_widths(rows: list[list[str]], size=None, total=None, pad=None) -> list[int]:
    """Each column's width (EMU) from its widest cell set in `size` (the header in bold: the same widths),
    plus the cells' margins, so that no number or header wraps; the table then spread to `total` (the text
    block). Where the columns are wider than that, the widest text column (names: any column not all numbers)
    gives way and wraps, never down below its header or four characters."""
    size, total, pad = size or SIZE_TABLE, total or TEXT_W, pad if pad is not None else CELL_PAD
    cols = len(rows[0])
    need = [max(em_width(r[j]) for r in rows) * size + 2 * pad + Pt(1) for j in range(cols)]
    number = re.compile(r"[\d.,%\-—–+]*")
    text_cols = [j for j in range(cols) if not all(number.fullmatch(r[j].strip()) for r in rows[1:])]
    over = sum(need) - total
    if over > 0 and text_cols:
        j = max(text_cols, key=lambda k: need[k])
        floor = max(em_width(rows[0][j]), 4) * size + 2 * pad + Pt(1)
        need[j] = max(floor, need[j] - over)
    spare = total - sum(need)
    if spare > 0:
        need = [w + spare / cols for w in need]
    return [int(w) for w in need]


def _set_font(rpr_owner, name: str, size=None, bold: bool = False, color=None) -> None:
    """A style's or run's font for every script (East Asian included), without the theme fonts the
    default template puts on headings, which Word prefers over a named font."""
    font = rpr_owner.font
    font.name = name
    font.bold = bold
    if size is not None:
        font.size = size
    font.color.rgb = color or RGBColor(0, 0, 0)
    rpr = rpr_owner.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in list(fonts.attrib):
        del fonts.attrib[attr]
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), name)


def _styles(doc, fonts: dict) -> None:
    for key, size, bold in (("body", SIZE_BODY, False), ("title", SIZE_TITLE, False),
                            ("heading1", SIZE_BODY, False), ("heading2", SIZE_BODY, False)):
        style = doc.styles[STYLES[key]]
        _set_font(style, fonts[key][0], size, bold)
        pf = style.paragraph_format
        pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        pf.line_spacing = LINE
        pf.space_before = pf.space_after = Pt(0)
        if key == "title":
            pf.alignment = WD_ALIGN_PARAGRAPH.CENTER
            pf.first_line_indent = Pt(0)     # the template bases Title on Normal, whose indent it would inherit
            pf.line_spacing = Pt(35)         # a 2号 line
            # the title keeps its own border-free look: the template's bottom rule removed
            for border in style.element.xpath(".//w:pBdr"):
                border.getparent().remove(border)
        elif key == "body":
            pf.first_line_indent = Pt(32)
            pf.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        else:
            pf.first_line_indent = Pt(32)
            pf.keep_with_next = True


def _page_setup(doc) -> None:
    section = doc.sections[0]
    section.page_width, section.page_height = PAGE_W, PAGE_H
    section.top_margin, section.bottom_margin = TOP, BOTTOM
    section.left_margin, section.right_margin = LEFT, RIGHT
    section.header_distance = Mm(15)
    section.footer_distance = Mm(28)     # the number's line sits about 7 mm below the text block
    doc.settings.odd_and_even_pages_header_footer = True
    for footer, align, side in ((section.footer, WD_ALIGN_PARAGRAPH.RIGHT, "right"),
                                (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT, "left")):
        p = footer.paragraphs[0]
        p.alignment = align
        p.paragraph_format.first_line_indent = Pt(0)
        setattr(p.paragraph_format, f"{side}_indent", SIZE_PAGE_NO)     # 空一字
        _run(p, "— ", SIZE_PAGE_NO)
        _page_field(p)
        _run(p, " —", SIZE_PAGE_NO)


def _run(p, text: str, size, font: str = "宋体"):
    run = p.add_run(text)
    _set_font(run, font, size)
    return run


def _page_field(p) -> None:
    run = _run(p, "", SIZE_PAGE_NO)
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"), ("end", None)):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        else:
            el = OxmlElement("w:instrText" if text == " PAGE " else "w:t")
            el.set(qn("xml:space"), "preserve")
            el.text = text
        run._r.append(el)


def _red_header(doc, report: Report, fonts: dict) -> None:
    p = doc.add_paragraph(style=STYLES["title"])
    red = RGBColor(0xC8, 0x10, 0x2E)
    _set_font(p.add_run(report.red_header), fonts["title"][0], Pt(36), color=red)
    p.paragraph_format.line_spacing = Pt(60)
    if report.doc_number:
        q = doc.add_paragraph(report.doc_number, style=STYLES["body"])
        q.alignment = WD_ALIGN_PARAGRAPH.CENTER
        q.paragraph_format.first_line_indent = Pt(0)
    rule = doc.add_paragraph(style=STYLES["body"])
    pbdr = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for k, v in (("w:val", "single"), ("w:sz", "12"), ("w:space", "1"), ("w:color", "C8102E")):
        bottom.set(qn(k), v)
    pbdr.append(bottom)
    rule._p.get_or_add_pPr().append(pbdr)


def _table(doc, rows: list[list[str]], body_font: str) -> None:
    """A ruled table with fixed column widths measured from its content (column_widths): LibreOffice and
    Word both keep them, so a number or a header never wraps; only a name may."""
    table = doc.add_table(rows=len(rows), cols=len(rows[0]))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False                                 # w:tblLayout w:type="fixed"
    widths = column_widths(rows)
    tbl_pr = table._tbl.tblPr
    layout = tbl_pr.get_or_add_tblLayout()               # autofit = False has written it; made sure of
    layout.set(qn("w:type"), "fixed")
    tbl_w = tbl_pr.find(qn("w:tblW"))
    tbl_w.set(qn("w:type"), "dxa")
    tbl_w.set(qn("w:w"), str(round(sum(widths) / 635)))  # EMU → twips
    margins = OxmlElement("w:tblCellMar")                # the margins column_widths counted
    for side in ("left", "right"):
        el = OxmlElement(f"w:{side}")
        el.set(qn("w:w"), str(round(CELL_PAD / 635)))
        el.set(qn("w:type"), "dxa")
        margins.append(el)
    layout.addnext(margins)                              # the schema's order: tblLayout, tblCellMar, tblLook
    for column, width in zip(table.columns, widths):
        column.width = width          # the grid LibreOffice lays out by; the cells' widths are Word's
    for i, row in enumerate(rows):
        for j, value in enumerate(row):
            cell = table.cell(i, j)
            cell.width = widths[j]
            p = cell.paragraphs[0]
            p.paragraph_format.first_line_indent = Pt(0)
            p.paragraph_format.line_spacing = Pt(16)
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER if j != 1 else WD_ALIGN_PARAGRAPH.LEFT
            _set_font(p.add_run(value), body_font, SIZE_TABLE, bold=i == 0)
    # the header row repeats on every page of the table
    tr_pr = table.rows[0]._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    tr_pr.append(header)


def to_docx(report: Report, images: dict[str, bytes], fonts: dict) -> bytes:
    """The report as .docx bytes; `images` maps each chart block's caption to its PNG."""
    doc = Document()
    _styles(doc, fonts)
    _page_setup(doc)
    body = doc.paragraphs[0] if doc.paragraphs else None
    if body is not None:
        body._p.getparent().remove(body._p)
    if report.red_header:
        _red_header(doc, report, fonts)
    # the title broken into its lines here, between words (Word and LibreOffice would break inside one)
    title = doc.add_paragraph(style=STYLES["title"])
    lines = title_lines(report.title, report.region_name, report.period.title_label)
    for k, line in enumerate(lines):
        run = title.add_run(line)
        if k < len(lines) - 1:
            run.add_break(WD_BREAK.LINE)
    doc.add_paragraph(style=STYLES["body"])            # one empty line under the title (标题下空一行)
    for block in report.blocks:
        if block.kind == "heading1" and block.text == "附件":
            doc.add_paragraph(style=STYLES["body"]).add_run().add_break(WD_BREAK.PAGE)
            p = doc.add_paragraph(block.text, style=STYLES["heading1"])
            p.paragraph_format.first_line_indent = Pt(0)
        elif block.kind == "heading1":
            doc.add_paragraph(block.text, style=STYLES["heading1"])
        elif block.kind == "heading2":
            doc.add_paragraph(block.text, style=STYLES["heading2"])
        elif block.kind == "para":
            p = doc.add_paragraph(block.text, style=STYLES["body"])
            if block is report.blocks[-2] and report.blocks[-1].kind == "table":
                p.alignment = WD_ALIGN_PARAGRAPH.CENTER      # the 附件's own title
                p.paragraph_format.first_line_indent = Pt(0)
        elif block.kind == "placeholder":
            p = doc.add_paragraph(style=STYLES["body"])
            run = p.add_run(block.text)
            run.font.highlight_color = 7          # yellow: a place the official must fill
            for _ in range(3):
                doc.add_paragraph(style=STYLES["body"])
        elif block.kind == "chart" and block.text in images:
            p = doc.add_paragraph(style=STYLES["body"])
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            p.paragraph_format.first_line_indent = Pt(0)
            p.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
            p.add_run().add_picture(io.BytesIO(images[block.text]), width=Mm(150))
            cap = doc.add_paragraph(block.text, style=STYLES["body"])
            cap.alignment = WD_ALIGN_PARAGRAPH.CENTER
            cap.paragraph_format.first_line_indent = Pt(0)
            for run in cap.runs:
                run.font.size = Pt(14)
        elif block.kind == "table":
            _table(doc, block.rows, fonts["body"][0])
        if block.kind == "placeholder":
            # 落款 after the body (the 附件 follows on its own page)
            for text in (report.organ, report.date):
                p = doc.add_paragraph(text, style=STYLES["body"])
                p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
                p.paragraph_format.right_indent = Pt(64)    # 右空四字
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


# ── PDF ─────────────────────────────────────────────────────────────────────────────────────

def installed_families() -> set[str]:
    try:
        out = subprocess.run(["fc-list", ":", "family"], capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return set()
    return {name.strip() for line in out.splitlines() for name in line.split(",")}


def substitutions(fonts: dict, installed: set[str]) -> dict[str, str]:
    """Official font name → the installed font drawing it, for every named font that is missing."""
    out = {}
    for names in fonts.values():
        first = names[0]
        if first in installed:
            continue
        for fallback in names[1:]:
            if fallback in installed:
                out[first] = fallback
                break
    out.setdefault("宋体", "Noto Serif CJK SC")     # the page numbers
    return out


def _fontconfig(subs: dict[str, str], folder: Path) -> Path:
    aliases = "".join(f"<match target='pattern'><test name='family'><string>{escape(a)}</string></test>"
                      f"<edit name='family' mode='assign' binding='strong'><string>{escape(b)}</string></edit></match>"
                      for a, b in subs.items())
    path = folder / "fonts.conf"
    path.write_text("<?xml version='1.0'?><!DOCTYPE fontconfig SYSTEM 'fonts.dtd'><fontconfig>"
                    f"<include ignore_missing='yes'>/etc/fonts/fonts.conf</include>{aliases}</fontconfig>",
                    encoding="utf-8")
    return path


def soffice() -> str:
    import shutil

    for name in SOFFICE:
        found = shutil.which(name)
        if found:
            return found
    raise PdfError("生成 PDF 需要 LibreOffice（Debian：apt-get install libreoffice-writer-nogui）")


def to_pdf(docx: bytes, fonts: dict, timeout: int = 120) -> bytes:
    """The .docx converted by LibreOffice headless, in a private profile (conversions may run side by
    side), with the official fonts drawn by their installed fallbacks."""
    exe = soffice()
    with tempfile.TemporaryDirectory(prefix="dangqun_pdf_") as tmp:
        folder = Path(tmp)
        (folder / "report.docx").write_bytes(docx)
        env = dict(os.environ, FONTCONFIG_FILE=str(_fontconfig(substitutions(fonts, installed_families()), folder)),
                   HOME=str(folder))
        cmd = [exe, "--headless", "--norestore", "--nolockcheck", f"-env:UserInstallation=file://{folder}/profile",
               "--convert-to", "pdf", "--outdir", str(folder), str(folder / "report.docx")]
        try:
            done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env)
        except subprocess.TimeoutExpired:
            raise PdfError(f"LibreOffice 转换 PDF 超过 {timeout} 秒未完成") from None
        pdf = folder / "report.pdf"
        if not pdf.exists():
            raise PdfError(f"LibreOffice 未能生成 PDF：{(done.stderr or done.stdout).strip()[-300:]}")
        return pdf.read_bytes()


def render(report: Report, fmt: str, config: dict | None = None, charts: bool = True) -> bytes:
    """The report's file: 'docx', or 'pdf' (the same docx converted). The charts are rendered to PNG
    first (one Chromium session for all); charts=False leaves them out (their captions too)."""
    from dangqun.charts import report as report_charts
    from dangqun.views.report import load_config

    fonts = (config or load_config())["fonts"]
    images = {}
    if charts:
        blocks = [b for b in report.blocks if b.kind == "chart" and b.data is not None and len(b.data)]
        figs = [report_charts.trend(b.data) if b.text.startswith("图1") else report_charts.ranking(b.data)
                for b in blocks]
        images = dict(zip((b.text for b in blocks), report_charts.to_png(figs))) if figs else {}
    docx = to_docx(report, images, fonts)
    if fmt == "docx":
        return docx
    if fmt == "pdf":
        return to_pdf(docx, fonts)
    raise ValueError(f"未知的通报格式：{fmt}（应为 docx 或 pdf）")
