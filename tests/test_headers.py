"""Every URL of the matrix answers with the security headers, pages that may show personal
data are never stored, production sends HSTS for a year and only secure cookies, and no
URL the application builds carries personal data."""

import json
import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote_plus

import pytest
from django.apps import apps
from django.conf import settings as django_settings
from django.db import models
from django.urls import reverse

from centre.access import rule_of
from centre.roles import Role
from tests.urls import all_routes, url_of

ROUTES = all_routes()
ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = {
    "DEBUG": "False",
    "SECRET_KEY": "a-production-secret-key-that-is-long-and-random-0123456789-abcdefghijklmnop",
    "ALLOWED_HOSTS": "handover.example.org",
}


def _walk(client, world):
    """Each route's sample URL and the response to a GET of it."""
    for route in ROUTES:
        url = url_of(route, world)
        yield route, url, client.get(url)


def _header_problems(response):
    problems = []
    policy = response.get("Content-Security-Policy", "")
    if not policy:
        return ["no Content-Security-Policy"]
    script_src = re.search(r"script-src ([^;]+)", policy)
    if not script_src or not (
        "'nonce-" in script_src.group(1) or "'strict-dynamic'" in script_src.group(1)
    ):
        problems.append(f"script-src is not by nonce: {policy}")
    for directive in ("object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"):
        if directive not in policy:
            problems.append(f"no {directive}")
    expected = {
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "same-origin",
        "X-Frame-Options": "DENY",
    }
    for header, value in expected.items():
        if response.get(header) != value:
            problems.append(f"{header} is {response.get(header)!r}, not {value!r}")
    return problems


@pytest.mark.parametrize("identity", ["anonymous", Role.MANAGER])
def test_every_url_sends_the_security_headers(identity, world, client, manager):
    """The manager may open every page; anonymous visitors see the public pages and the
    redirects to the login page. Pages that may show personal data are never stored."""
    if identity != "anonymous":
        client.force_login(manager)
    problems = []
    for route, url, response in _walk(client, world):
        problems += [f"{url}: {problem}" for problem in _header_problems(response)]
        cache_control = response.get("Cache-Control", "")
        public_page_for_a_visitor = identity == "anonymous" and rule_of(route.callback).is_public
        if not public_page_for_a_visitor and "no-store" not in cache_control:
            problems.append(f"{url}: Cache-Control is {cache_control!r}, without no-store")
    assert not problems, "\n".join(problems)


def test_the_public_privacy_notice_stays_cacheable_for_visitors(world, client):
    response = client.get(url_of(next(r for r in ROUTES if r.name == "privacy_notice"), world))
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


def test_a_view_s_own_caching_is_made_stricter_never_looser(rf, manager):
    from django.http import HttpResponse

    from centre.middleware import NoStoreMiddleware

    def view(request):
        response = HttpResponse("a family's details")
        response["Cache-Control"] = "public, max-age=3600"
        return response

    request = rf.get("/")
    request.user = manager
    response = NoStoreMiddleware(view)(request)
    directives = {d.strip() for d in response["Cache-Control"].split(",")}
    assert {"no-store", "private", "max-age=0"} <= directives
    assert "public" not in directives and "max-age=3600" not in directives


def _production_settings():
    """The security settings as production computes them, read in a fresh process."""
    names = [
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SECURE_SSL_REDIRECT",
        "SESSION_COOKIE_SECURE",
        "SESSION_COOKIE_HTTPONLY",
        "SESSION_COOKIE_SAMESITE",
        "CSRF_COOKIE_SECURE",
        "CSRF_COOKIE_HTTPONLY",
        "CSRF_COOKIE_SAMESITE",
    ]
    clean = {k: v for k, v in os.environ.items() if k not in PRODUCTION}
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django, json; django.setup(); from django.conf import settings as s; "
            f"print(json.dumps({{n: getattr(s, n) for n in {names!r}}}))",
        ],
        cwd=ROOT,
        env={**clean, **PRODUCTION, "DJANGO_SETTINGS_MODULE": "config.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_sends_hsts_for_a_year_and_only_secure_cookies(settings, client, manager):
    production = _production_settings()
    assert production["SECURE_HSTS_SECONDS"] >= 365 * 24 * 60 * 60
    assert production["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert production["SECURE_SSL_REDIRECT"] is True
    for cookie in ("SESSION", "CSRF"):
        assert production[f"{cookie}_COOKIE_SECURE"] is True
        assert production[f"{cookie}_COOKIE_HTTPONLY"] is True
        assert production[f"{cookie}_COOKIE_SAMESITE"] in ("Lax", "Strict")

    # The same values, in this process, give the headers and cookie flags a browser sees.
    for name, value in production.items():
        setattr(settings, name, value)
    response = client.get(reverse("login"), secure=True)
    hsts = response["Strict-Transport-Security"]
    assert re.search(r"max-age=(\d+)", hsts).group(1) == str(production["SECURE_HSTS_SECONDS"])
    assert "includeSubDomains" in hsts
    client.force_login(manager)
    response = client.get("/", secure=True)
    cookies = response.cookies
    for name in (django_settings.SESSION_COOKIE_NAME, django_settings.CSRF_COOKIE_NAME):
        if name not in cookies:
            continue
        morsel = cookies[name]
        assert morsel["secure"] and morsel["httponly"], name
        assert morsel["samesite"] in ("Lax", "Strict"), name
    assert django_settings.SESSION_COOKIE_NAME in cookies


PERSONAL_FIELD = re.compile(
    r"(^|_)(first_name|last_name|full_name|names|person_name|requester_name|"
    r"complainant_name|referrer_name|email|phone|phone_other|postcode|address|"
    r"date_of_birth|born_on)$"
)
# The centre's own contact details are the organisation's, published in its notice.
NOT_A_PERSON = {"centre.centreprofile"}


def _personal_values():
    """Every value of a personal field held anywhere in the database (the world's adults,
    children, referrers, staff and users): names, e-mails, phones, postcodes, addresses
    and dates of birth."""
    values = set()
    for model in apps.get_models():
        if not str(Path(apps.get_app_config(model._meta.app_label).path)).startswith(str(ROOT)):
            continue
        if model._meta.label_lower in NOT_A_PERSON or model._meta.label_lower.startswith(
            "centre.historical"
        ):
            continue
        fields = [
            f.name
            for f in model._meta.concrete_fields
            if PERSONAL_FIELD.search(f.name) and not isinstance(f, models.ForeignKey)
        ]
        if not fields:
            continue
        for row in model._default_manager.values_list(*fields):
            for value in row:
                if value is None or value == "":
                    continue
                if hasattr(value, "isoformat"):
                    values.add(value.isoformat())
                    values.add(value.strftime("%d%m%Y"))
                    continue
                for part in str(value).splitlines():
                    if len(part.strip()) >= 4:
                        values.add(part.strip().lower())
    return values


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "src", "action", "formaction") and value:
                self.urls.append(value)


def test_no_url_carries_personal_data(world, client, manager):
    """Neither the URL patterns' samples nor any link, image, form action or redirect on
    the manager's pages (who sees everything) holds a name, e-mail, phone number,
    postcode, address or date of birth: URLs end up in logs, histories and Referer."""
    # Whole words only: a staff member surnamed "Person" is not in "?person_id=1".
    personal = {v: re.compile(rf"(?<!\w){re.escape(v)}(?!\w)") for v in _personal_values()}
    assert any("@" in value for value in personal)  # the collection found people
    client.force_login(manager)
    found = []
    seen = set()
    for _route, url, response in _walk(client, world):
        urls = [url, response.get("Location", "")]
        if response.get("Content-Type", "").startswith("text/html"):
            links = _Links()
            links.feed(response.content.decode(response.charset or "utf-8", "replace"))
            urls += links.urls
        for link in urls:
            # An e-mail or telephone link is the page's content, not a request URL.
            if not link or link in seen or link.startswith(("mailto:", "tel:", "#")):
                continue
            seen.add(link)
            decoded = unquote_plus(link).lower()
            found += [
                f"{url}: {link} holds {value!r}"
                for value, pattern in personal.items()
                if pattern.search(decoded)
            ]
    assert len(seen) > len(ROUTES)
    assert not found, "\n".join(sorted(set(found)))
