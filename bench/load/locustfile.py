"""The simulated users of the load test. ``bench/load/run.py`` starts this with Locust;
it is not meant to be run on its own (it needs the sessions the run script makes).

The users arrive signed in: the run script made a session for each account (as Django's
test client does) and wrote the cookies to the file named by ``LOAD_SESSIONS_FILE``, with
the case ids and search terms to use. Nothing here drives the sign-in form.

Three kinds of user, as in a centre (numbers for 30 users):

- the manager (one): the dashboard (home), the disposal queue, privacy requests;
- staff (about half): the case list, a case page, the case search (by POST);
- volunteers (the rest): today's sessions, a session's register, and taps on it.

Each of them also asks for ``/health/`` now and then: the baseline, a trivial page served
by the same server through the same middleware with the same session cookie.

No Django here: Locust's gevent must patch the standard library before anything else is
imported, and the users only speak HTTP.
"""

# ruff: noqa: S311 - the simulated users' choices, not secrets

import itertools
import json
import os
import random
import re
from html import unescape

from locust import HttpUser, between, task

with open(os.environ["LOAD_SESSIONS_FILE"], encoding="utf-8") as file:
    PLAN = json.load(file)

LOGIN_PATH = "/accounts/login/"
SESSION_LINK = re.compile(r'href="(/sessions/(\d+)/register/)"')
FORM = re.compile(r"<form\b[^>]*>.*?</form>", re.S)
TAP_ACTION = re.compile(r'action="/sessions/bookings/(\d+)/tap/"')
TOKEN = re.compile(r'name="token" value="([^"]+)"')
KIND = re.compile(r'name="kind" value="([^"]+)"')
# The names offered under "Child left with": the options without a value attribute.
COLLECT_NAME = re.compile(r"<option>([^<]+)</option>")

# Each simulated user takes the next account of its role.
_accounts = {role: itertools.cycle(PLAN["sessions"][role]) for role in PLAN["sessions"]}

# Humans read a page before the next: a second or three between requests, which makes
# 30 users far busier than any centre's real staff.
THINK = between(1, 3)


class SignedIn(HttpUser):
    abstract = True
    role = ""
    wait_time = THINK

    def on_start(self):
        self.client.cookies.set(PLAN["cookie_name"], next(_accounts[self.role]))

    def page(self, name, path, allow_redirect_to=None):
        """GET a page; anything but a 200 (a redirect to sign in above all) is a failure."""
        with self.client.get(path, name=name, catch_response=True) as response:
            redirected = [r.headers.get("Location", "") for r in response.history]
            if response.status_code != 200:
                response.failure(f"status {response.status_code}")
            elif redirected and not (allow_redirect_to and allow_redirect_to(redirected[-1])):
                response.failure(f"redirected to {redirected[-1]}")
            else:
                response.success()
            return response

    def post(self, name, path, data, expect):
        """POST a form with the CSRF token; ``expect`` is the status that means it worked."""
        data = {**data, "csrfmiddlewaretoken": self.client.cookies.get(PLAN["csrf_cookie_name"])}
        with self.client.post(
            path,
            data=data,
            name=name,
            allow_redirects=False,
            headers={"Referer": self.host + path},
            catch_response=True,
        ) as response:
            location = response.headers.get("Location", "")
            if response.status_code != expect or location.startswith(LOGIN_PATH):
                response.failure(f"status {response.status_code} {location}")
            else:
                response.success()
            return response

    @task(1)
    def health(self):
        self.page("baseline: /health/", "/health/")


class Manager(SignedIn):
    role = "manager"
    fixed_count = 1

    @task(6)
    def home(self):
        self.page("manager: home (dashboard)", "/")

    @task(2)
    def disposal_queue(self):
        self.page("manager: retention queue", "/retention/")

    @task(2)
    def privacy_requests(self):
        self.page("manager: privacy requests", "/privacy-requests/")


class Staff(SignedIn):
    role = "staff"
    weight = 1

    @task(1)
    def home(self):
        self.page("staff: home", "/")

    @task(3)
    def case_list(self):
        page = random.choice([1, 1, 1, 2, 3, 50, 400])  # mostly the newest cases
        self.page("staff: case list", "/cases/" if page == 1 else f"/cases/?page={page}")

    @task(4)
    def case_page(self):
        low, high = PLAN["case_ids"]
        self.page("staff: case page", f"/cases/{random.randint(low, high)}/")

    @task(3)
    def case_search(self):
        if not self.client.cookies.get(PLAN["csrf_cookie_name"]):
            self.case_list()  # the search form sets the CSRF cookie
        self.post(
            "staff: case search (POST)",
            "/cases/",
            {"term": random.choice(PLAN["search_terms"])},
            expect=200,
        )


class Volunteer(SignedIn):
    role = "volunteer"
    weight = 1

    def on_start(self):
        super().on_start()
        self.register_path = None

    @task(1)
    def home(self):
        self.page("volunteer: home", "/")

    @task(2)
    def today(self):
        response = self.page(
            "volunteer: today's sessions",
            "/sessions/today/",
            allow_redirect_to=lambda location: "/register/" in location,
        )
        links = [path for path, _ in SESSION_LINK.findall(response.text or "")]
        if links:
            self.register_path = random.choice(links)

    @task(6)
    def register_and_tap(self):
        """Open the register and press the big button on a card that has one, as a
        volunteer at the door does; the post comes back to the register (Post/Redirect/Get,
        timed as a separate GET of the register)."""
        if self.register_path is None:
            self.today()
            if self.register_path is None:
                return
        response = self.page("volunteer: register", self.register_path)
        taps = []
        for form in FORM.findall(response.text or ""):
            action = TAP_ACTION.search(form)
            token, kind = TOKEN.search(form), KIND.search(form)
            if action and token and kind:
                taps.append((action.group(1), unescape(token.group(1)), kind.group(1), form))
        if not taps:
            return  # every family on this register has gone home
        booking, token, kind, form = random.choice(taps)
        data = {"token": token, "kind": kind}
        if kind == "child_collected":
            names = COLLECT_NAME.findall(form)
            if names:
                data["collected_by"] = unescape(names[0])
            else:
                data["collected_by"], data["someone_else"] = "someone-else", "A. Grandparent"
        self.post(
            "volunteer: register tap (POST)",
            f"/sessions/bookings/{booking}/tap/",
            data,
            expect=302,
        )
