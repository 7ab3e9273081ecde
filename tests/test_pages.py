"""Every page is accessible, self-contained and compatible with the enforced Content
Security Policy: no inline scripts, styles or event handlers, no outside assets, a label
on every input, one h1 and headings in order."""

import re
from html.parser import HTMLParser

import pytest

from centre.roles import Role
from tests.urls import all_routes, url_of

ROUTES = all_routes()


class PageAudit(HTMLParser):
    def __init__(self):
        super().__init__()
        self.problems = []
        self.headings = []
        self.inputs = []
        self.label_targets = set()
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        for name in attributes:
            if name == "style":
                self.problems.append(f"inline style on <{tag}>")
            if name.startswith("on"):
                self.problems.append(f"inline handler {name} on <{tag}>")
        for name in ("src", "href"):
            value = attributes.get(name) or ""
            if tag in ("script", "link", "img") and re.match(r"(https?:)?//", value):
                self.problems.append(f"outside asset {value}")
            if value.lower().startswith("javascript:"):
                self.problems.append(f"javascript: URL on <{tag}>")
        if tag == "script":
            if "src" not in attributes:
                self.problems.append("inline <script>")
            if "nonce" not in attributes:
                self.problems.append("<script> without a nonce")
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        if tag == "label" and attributes.get("for"):
            self.label_targets.add(attributes["for"])
        if tag in ("input", "select", "textarea") and attributes.get("type") not in (
            "hidden",
            "submit",
            "button",
        ):
            self.inputs.append(attributes)

    def finish(self):
        for attributes in self.inputs:
            named = attributes.get("aria-label") or attributes.get("aria-labelledby")
            if not named and attributes.get("id") not in self.label_targets:
                self.problems.append(f"input {attributes.get('name')} has no label")
        if self.headings.count(1) != 1:
            self.problems.append(f"{self.headings.count(1)} h1 headings")
        for before, after in zip(self.headings, self.headings[1:], strict=False):
            if after > before + 1:
                self.problems.append(f"heading jumps from h{before} to h{after}")
        return self.problems


@pytest.mark.parametrize("identity", ["anonymous", Role.VOLUNTEER, Role.STAFF, Role.MANAGER])
def test_every_page_passes_the_audit(identity, world, client, manager, staff, volunteer):
    cast = {Role.MANAGER: manager, Role.STAFF: staff, Role.VOLUNTEER: volunteer}
    if identity != "anonymous":
        client.force_login(cast[identity])
    audited = 0
    problems = []
    for route in ROUTES:
        url = url_of(route, world)
        response = client.get(url)
        if response.status_code not in (200, 403, 404):
            continue
        if not response.get("Content-Type", "").startswith("text/html"):
            continue
        audited += 1
        policy = response["Content-Security-Policy"]
        script_sources = re.search(r"script-src ([^;]+)", policy).group(1).split()
        # Scripts by nonce only: nothing from 'self', no hosts, nothing inline.
        assert all(s == "'strict-dynamic'" or s.startswith("'nonce-") for s in script_sources)
        assert "object-src 'none'" in policy and "base-uri 'none'" in policy, url
        assert "frame-ancestors 'none'" in policy, url
        audit = PageAudit()
        audit.feed(response.text)
        problems += [f"{url}: {problem}" for problem in audit.finish()]
    assert audited >= 3
    assert not problems, "\n".join(problems)


def test_signed_in_pages_are_never_stored_by_the_browser(client, manager):
    client.force_login(manager)
    response = client.get("/")
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]
