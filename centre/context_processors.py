from django.urls import resolve, reverse

from . import two_factor
from .access import rule_of

# The main navigation, in order. Each entry shows only to users its view's own access
# rule admits, so the menu can never offer a page that would answer 403.
NAVIGATION = [
    ("Home", "home"),
    ("Today's register", "attendance:register_today"),
    ("Cases", "referrals:case_list"),
    ("Sessions", "attendance:session_list"),
    ("Reports", "attendance:report_list"),
    ("Quarterly return", "attendance:quarterly_return"),
    ("Safeguarding concerns", "safeguarding:concern_list"),
    ("Incidents", "safeguarding:incident_list"),
    ("Accident book", "safeguarding:accident_list"),
    ("Holds", "safeguarding:hold_list"),
    ("Retention", "retention:queue"),
    ("Privacy requests", "privacy_requests:register"),
    ("Staff register", "centre:staff_list"),
    ("Finance records", "centre:finance_list"),
    ("Centre details", "centre:profile_edit"),
]


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"navigation": []}
    if two_factor.is_pending(request):  # nothing is open to them until the second factor
        return {"navigation": [], "second_factor_pending": True}
    items = []
    current = request.path
    for label, name in NAVIGATION:
        url = reverse(name)
        if rule_of(resolve(url).func).allows(user):
            items.append({"label": label, "url": url, "active": False})
    # The entry whose address is the longest start of this page's is the one the page is
    # under: the quarterly return (/sessions/quarterly-return/), not Sessions (/sessions/).
    under = [
        item
        for item in items
        if (current == item["url"] if item["url"] == "/" else current.startswith(item["url"]))
    ]
    if under:
        max(under, key=lambda item: len(item["url"]))["active"] = True
    return {"navigation": items}
