"""Build the bundled Word template documents/docx/official.docx (run: python documents/build_template.py).

The layout is the official one of GB/T 9704-2012 (党政机关公文格式): A4, margins top 37 mm, bottom 35 mm,
left 28 mm, right 26 mm; the issuer line in red 小标宋 (黑体 where that is missing), the 文号 centred under it, a
red separator line, the title in 黑体 二号 centred, the body in 仿宋 三号 with headings in 黑体, and the issuer and
date at the lower right with the seal position (印章). Fonts are set by name, the East-Asian slot included, so
Word uses the office fonts where they are installed and substitutes its own elsewhere.

The docxtpl tags render exactly the envelope of documents.rendering.document_context: issuer, number, title,
fields (label, value), sections (heading, paragraphs), rights, signatures, seal, date, footnote. Commit the
.docx this script writes; an admin may upload a replacement per document kind (DocumentTemplate).
"""

from pathlib import Path

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

OUT = Path(__file__).resolve().parent / "docx" / "official.docx"

RED = RGBColor(0xFF, 0x00, 0x00)
# (East-Asian font, Latin font): the GB/T 9704 fonts by their Word names.
FANGSONG = ("仿宋_GB2312", "FangSong")
HEITI = ("黑体", "SimHei")
XIAOBIAOSONG = ("方正小标宋简体", "SimHei")
SIZE_2 = Pt(22)  # 二号
SIZE_3 = Pt(16)  # 三号
SIZE_4 = Pt(14)  # 四号
SIZE_ISSUER = Pt(26)  # 一号: the issuer line (GB/T 9704 §7.2.4 leaves its size to the issuer, "醒目、美观、庄重")


def set_font(run, fonts, size, bold=False, color=None):
    east_asian, latin = fonts
    run.font.name = latin
    run.font.size = size
    run.font.bold = bold
    if color is not None:
        run.font.color.rgb = color
    r_fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    r_fonts.set(qn("w:eastAsia"), east_asian)
    r_fonts.set(qn("w:ascii"), latin)
    r_fonts.set(qn("w:hAnsi"), latin)


def paragraph(doc, text, fonts=FANGSONG, size=SIZE_3, align=None, bold=False, color=None, indent=False,
              space_after=0):
    p = doc.add_paragraph()
    if align is not None:
        p.alignment = align
    p.paragraph_format.space_after = Pt(space_after)
    p.paragraph_format.space_before = Pt(0)
    if indent:  # 正文首行缩进两字
        p.paragraph_format.first_line_indent = Pt(size.pt * 2)
    set_font(p.add_run(text), fonts, size, bold=bold, color=color)
    return p


def tag(doc, text):
    """A paragraph holding only a docxtpl paragraph tag ({%p … %}); docxtpl removes the paragraph itself."""
    return doc.add_paragraph(text)


def red_line(p):
    """The red separator under the 文号 (GB/T 9704 §7.2.6 版头中的分隔线): the paragraph's bottom border."""
    p_pr = p._element.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "12"), ("w:space", "1"), ("w:color", "FF0000")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    p_pr.append(borders)


def build(path: Path = OUT) -> Path:
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)

    normal = doc.styles["Normal"]
    normal.font.name = FANGSONG[1]
    normal.font.size = SIZE_3
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FANGSONG[0])


    paragraph(doc, "{{ issuer }}", XIAOBIAOSONG, SIZE_ISSUER, WD_ALIGN_PARAGRAPH.CENTER, color=RED, space_after=6)
    number = paragraph(doc, "{{ number }}", FANGSONG, SIZE_3, WD_ALIGN_PARAGRAPH.CENTER, space_after=4)
    red_line(number)
    paragraph(doc, "", FANGSONG, SIZE_3)
    paragraph(doc, "{{ title }}", HEITI, SIZE_2, WD_ALIGN_PARAGRAPH.CENTER, space_after=12)

    tag(doc, "{%p if fields %}")
    table = doc.add_table(rows=3, cols=2)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.cell(0, 0).paragraphs[0].add_run("{%tr for f in fields %}")
    label_cell, value_cell = table.cell(1, 0), table.cell(1, 1)
    label_cell.width, value_cell.width = Mm(40), Mm(116)
    set_font(label_cell.paragraphs[0].add_run("{{ f.label }}"), HEITI, SIZE_4)
    set_font(value_cell.paragraphs[0].add_run("{{ f.value }}"), FANGSONG, SIZE_4)
    table.cell(2, 0).paragraphs[0].add_run("{%tr endfor %}")
    tag(doc, "{%p endif %}")
    paragraph(doc, "", FANGSONG, SIZE_3)

    tag(doc, "{%p for s in sections %}")
    tag(doc, "{%p if s.heading %}")
    paragraph(doc, "{{ s.heading }}", HEITI, SIZE_3)
    tag(doc, "{%p endif %}")
    tag(doc, "{%p for para in s.paragraphs %}")
    paragraph(doc, "{{ para }}", FANGSONG, SIZE_3, indent=True)
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p endfor %}")

    tag(doc, "{%p if rights %}")
    paragraph(doc, "{{ rights }}", FANGSONG, SIZE_3, indent=True)
    tag(doc, "{%p endif %}")

    tag(doc, "{%p for sig in signatures %}")
    paragraph(doc, "{{ sig }}", FANGSONG, SIZE_3, space_after=12)
    tag(doc, "{%p endfor %}")

    tag(doc, "{%p if seal %}")
    paragraph(doc, "", FANGSONG, SIZE_3)
    paragraph(doc, "{{ issuer }}（印章）", FANGSONG, SIZE_3, WD_ALIGN_PARAGRAPH.RIGHT)
    tag(doc, "{%p endif %}")
    tag(doc, "{%p if date %}")
    paragraph(doc, "{{ date }}", FANGSONG, SIZE_3, WD_ALIGN_PARAGRAPH.RIGHT)
    tag(doc, "{%p endif %}")

    tag(doc, "{%p if footnote %}")
    paragraph(doc, "{{ footnote }}", FANGSONG, SIZE_4)
    tag(doc, "{%p endif %}")

    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(path)
    return path


if __name__ == "__main__":
    print(build())
