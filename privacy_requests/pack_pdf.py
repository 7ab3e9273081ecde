"""A response pack as a PDF on A4, with fpdf2.

Each redaction is a black rectangle drawn where the text would have been (an item withheld
says so, and under which exemption, never what it held); the redacted
text itself is never written into the file (a rectangle drawn over text would leave the
text in the file, selectable and searchable). Every bar has the same width, so its size
says nothing of what was removed.

The core Helvetica font holds only Windows-1252 characters: anything else becomes "?",
so user text can never make the PDF fail.
"""

from django.utils import timezone
from fpdf import FPDF
from fpdf.enums import XPos, YPos

FONT = "Helvetica"
LINE = 5.5  # mm
BAR = 22  # mm, the width of every redaction


def _fit(text):
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n").replace("\t", "    ")
    return text.encode("cp1252", "replace").decode("cp1252")


class _PackPDF(FPDF):
    def footer(self):
        self.set_y(-12)
        self.set_font(FONT, size=8)
        self.cell(0, 5, f"Page {self.page_no()}/{{nb}}", align="C")


def _bar(pdf):
    if pdf.get_x() + BAR > pdf.w - pdf.r_margin:
        pdf.ln(LINE)
    x, y = pdf.get_x(), pdf.get_y()
    pdf.set_fill_color(0, 0, 0)
    pdf.rect(x, y + 0.6, BAR, LINE - 1.2, style="F")
    pdf.set_x(x + BAR + 1)


def pack_pdf(pack, *, centre_name="", compress=True) -> bytes:
    request = pack.request
    pdf = _PackPDF(format="A4")
    pdf.set_compression(compress)
    pdf.set_title(f"Response to privacy request {request.reference}")
    pdf.set_margins(18, 18, 18)
    pdf.set_auto_page_break(True, margin=18)
    pdf.add_page()
    pdf.set_font(FONT, style="B", size=16)
    pdf.multi_cell(
        0, 8, _fit(f"Response to privacy request {request.reference}"), new_x=XPos.LMARGIN
    )
    pdf.set_font(FONT, size=10)
    lines = [centre_name] if centre_name else []
    if pack.is_released:
        released = timezone.localtime(pack.released_at)
        lines.append(f"Released on {released:%d/%m/%Y}.")
    else:
        lines.append("DRAFT: not released.")
    lines.append(
        "Black bars mark information about other people, which the law protects; an item "
        "withheld says under which exemption."
    )
    for line in lines:
        pdf.multi_cell(0, LINE, _fit(line), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    for section in pack.sections:
        pdf.ln(3)
        pdf.set_font(FONT, style="B", size=12)
        pdf.multi_cell(0, 7, _fit(section["title"]), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        for item in section["items"]:
            pdf.set_font(FONT, style="B", size=10)
            pdf.write(LINE, _fit(f"{item['label']}: "))
            pdf.set_font(FONT, size=10)
            if item["redact"] and item.get("withheld"):
                pdf.set_font(FONT, style="I", size=10)
                pdf.write(LINE, _fit(f"Withheld: {item['reason']}"))
                pdf.set_font(FONT, size=10)
            elif item["redact"]:
                _bar(pdf)
            else:
                for part in item["parts"]:
                    if part["redact"]:
                        _bar(pdf)
                    else:
                        pdf.write(LINE, _fit(part["text"]))
            pdf.ln(LINE)
    return bytes(pdf.output())
