from django.urls import resolve, reverse

from . import two_factor
from .access import rule_of

# The main navigation: a handful of sections, each with the pages inside it, in order. A
# section's own link opens the first of its pages the person may open; the pages of the
# section the person is in show in a bar under the header. Each page shows only to users
# its view's own access rule admits, so the menu can never offer a page that would answer
# 403, and a section with no page left for the person is not shown at all.
SECTIONS = [
    ("Today", [("Home", "home"), ("Today's register", "attendance:register_today")]),
    ("Cases", [("Cases", "referrals:case_list")]),
    (
        "Sessions",
        [
            ("Sessions", "attendance:session_list"),
            ("Reports", "attendance:report_list"),
            ("Quarterly return", "attendance:quarterly_return"),
        ],
    ),
    (
        "Safeguarding",
        [
            ("Safeguarding concerns", "safeguarding:concern_list"),
            ("Incidents", "safeguarding:incident_list"),
            ("Accident book", "safeguarding:accident_list"),
            ("Holds", "safeguarding:hold_list"),
        ],
    ),
    (
        "Privacy",
        [("Privacy requests", "privacy_requests:register"), ("Retention", "retention:queue")],
    ),
    (
        "Centre",
        [
            ("Staff register", "centre:staff_list"),
            ("Finance records", "centre:finance_list"),
            ("Centre details", "centre:profile_edit"),
            ("Audit trail", "centre:audit_list"),
        ],
    ),
]

# Someone who may open only this many pages (a volunteer: home and today's register) sees
# them as they are, with no sections to go through.
FLAT_UP_TO = 3


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"navigation": [], "subnavigation": None}
    if two_factor.is_pending(request):  # nothing is open to them until the second factor
        return {"navigation": [], "subnavigation": None, "second_factor_pending": True}
    sections = []
    for section_label, pages in SECTIONS:
        links = []
        for label, name in pages:
            url = reverse(name)
            if rule_of(resolve(url).func).allows(user):
                links.append({"label": label, "url": url, "active": False})
        if links:
            sections.append(
                {"label": section_label, "url": links[0]["url"], "active": False, "links": links}
            )
    # The page whose address is the longest start of this page's is the one the page is
    # under: the quarterly return (/sessions/quarterly-return/), not Sessions (/sessions/).
    current = request.path
    under = [
        (section, link)
        for section in sections
        for link in section["links"]
        if (current == link["url"] if link["url"] == "/" else current.startswith(link["url"]))
    ]
    section = None
    if under:
        section, link = max(under, key=lambda pair: len(pair[1]["url"]))
        section["active"] = link["active"] = True
    links = [link for each in sections for link in each["links"]]
    if len(links) <= FLAT_UP_TO:
        return {"navigation": links, "subnavigation": None}
    subnavigation = section if section is not None and len(section["links"]) > 1 else None
    return {"navigation": sections, "subnavigation": subnavigation}
