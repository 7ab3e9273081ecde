"""A supervised contact report as a PDF on A4, made in pure Python with fpdf2.

The PDF uses the core Helvetica font, which every reader has and which keeps the file
small, but which holds only the Windows-1252 characters. Text is made to fit: letters
with accents outside it lose the accent ("ł" becomes "l"), and anything else (an emoji, a
name in another script) becomes "?", with a note on the report that the printable page
shows it in full. User text can therefore never make the PDF fail.

Like the printable page, it holds no address, postcode, phone number or e-mail address of
anyone, the centre's included: only names.
"""

import unicodedata

from django.utils import timezone
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from .models import SupervisedReport

ENCODING = "cp1252"
FONT = "Helvetica"
LINE = 5.5  # mm, for 10.5 pt text

# Letters without a decomposition into a base letter and an accent.
_PLAIN = str.maketrans(
    {
        "ł": "l",
        "Ł": "L",
        "đ": "d",
        "Đ": "D",
        "ı": "i",
        "ħ": "h",
        "Ħ": "H",
        "\u2010": "-",
        "\u2011": "-",
        "\u2212": "-",
        "\u00a0": " ",
        "\u202f": " ",
        "\t": "    ",
    }
)


def fit_to_core_font(text: str) -> tuple[str, bool]:
    """``text`` in characters Helvetica can show, and whether anything became "?"."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n").translate(_PLAIN)
    out, replaced = [], False
    for char in text:
        if _encodes(char):
            out.append(char)
            continue
        base = "".join(
            part for part in unicodedata.normalize("NFKD", char) if not unicodedata.combining(part)
        )
        if base and all(_encodes(part) for part in base):
            out.append(base)
        elif unicodedata.category(char) in ("Cc", "Cf", "Mn"):
            continue  # control, format and combining marks: nothing to show
        else:
            out.append("?")
            replaced = True
    return "".join(out), replaced


def _encodes(char):
    if char == "\n":
        return True
    if unicodedata.category(char) == "Cc":
        return False
    try:
        char.encode(ENCODING)
    except UnicodeEncodeError:
        return False
    return True


class _ReportDocument(FPDF):
    def __init__(self, *, footer_text):
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.core_fonts_encoding = ENCODING
        self.footer_text = footer_text
        self.replaced = False
        self.set_margins(left=20, top=18, right=20)
        self.set_auto_page_break(auto=True, margin=20)
        self.set_title("Supervised contact report")
        self.set_creator("Handover")

    def fit(self, text):
        fitted, replaced = fit_to_core_font(text)
        self.replaced = self.replaced or replaced
        return fitted

    def footer(self):
        self.set_y(-14)
        self.set_font(FONT, "", 8)
        self.set_text_color(90, 90, 90)
        self.cell(0, 5, self.fit(self.footer_text), align="L")
        self.set_x(self.l_margin)
        self.cell(0, 5, f"Page {self.page_no()} of {{nb}}", align="R")
        self.set_text_color(0, 0, 0)

    def heading(self, text):
        self.ln(3)
        self.set_font(FONT, "B", 12)
        self.multi_cell(0, 7, self.fit(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_font(FONT, "", 10.5)

    def paragraph(self, text, *, style=""):
        self.set_font(FONT, style, 10.5)
        self.multi_cell(0, LINE, self.fit(text), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_font(FONT, "", 10.5)

    def pair(self, label, value):
        self.set_font(FONT, "B", 10.5)
        self.cell(45, LINE, self.fit(label))
        self.set_font(FONT, "", 10.5)
        self.multi_cell(0, LINE, self.fit(value), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _when(moment):
    return f"{timezone.localtime(moment):%d/%m/%Y %H:%M}" if moment else ""


def report_pdf(*, report: SupervisedReport, centre_name: str) -> bytes:
    """The report as PDF bytes. ``report`` should come with its booking, session, case,
    author, checker and recipients loaded."""
    booking, session = report.booking, report.booking.session
    reference = booking.case.display_reference
    pdf = _ReportDocument(footer_text=f"Case {reference} - supervised contact report")
    pdf.add_page()

    pdf.set_font(FONT, "", 10)
    pdf.multi_cell(
        0, 5, pdf.fit(centre_name or "Child contact centre"), new_x=XPos.LMARGIN, new_y=YPos.NEXT
    )
    pdf.set_font(FONT, "B", 17)
    pdf.multi_cell(0, 10, "Supervised contact report", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    status = {
        SupervisedReport.Status.DRAFT: "DRAFT: not yet checked. Do not share.",
        SupervisedReport.Status.READY: "DRAFT, waiting to be checked. Do not share.",
        SupervisedReport.Status.CHECKED: "Checked, not yet sent.",
        SupervisedReport.Status.SENT: f"Sent on {_when(report.sent_at)}.",
    }[report.status]
    pdf.paragraph(status, style="B")
    pdf.ln(2)

    pdf.pair("Case reference", reference)
    pdf.pair(
        "Session",
        f"{session.date:%A %d/%m/%Y}, {session.starts_at:%H:%M} to {session.ends_at:%H:%M}",
    )
    pdf.pair("Contact", f"began {report.started_at:%H:%M}, ended {report.ended_at:%H:%M}")
    pdf.pair("Ordered by a court", "Yes" if report.court_ordered else "No")

    pdf.heading("Who attended")
    pdf.paragraph(report.who_attended)
    pdf.heading("What was observed")
    pdf.paragraph(report.observations)
    pdf.heading("Any concerns")
    pdf.paragraph(report.concerns or "None recorded.")

    pdf.heading("Written and checked")
    pdf.pair("Written by", report.author.full_name)
    checked = (
        f"{report.checked_by.full_name}, {_when(report.checked_at)}"
        if report.checked_by
        else "Not yet checked"
    )
    pdf.pair("Checked by", checked)

    pdf.heading("Distribution list")
    recipients = list(report.recipients.all())
    for recipient in recipients:
        named = "named in the court order" if recipient.named_in_order else "NOT named in the order"
        suffix = f", {named}" if report.court_ordered else ""
        pdf.paragraph(f"- {recipient.name} ({recipient.get_kind_display()}{suffix})")
    if not recipients:
        pdf.paragraph("Nobody yet.")

    if pdf.replaced:
        pdf.ln(4)
        pdf.set_font(FONT, "I", 9)
        pdf.multi_cell(
            0,
            4.5,
            "Some characters cannot be shown in this PDF and appear as '?'. The printable "
            "page of the report in Handover shows them in full.",
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )
    return bytes(pdf.output())
