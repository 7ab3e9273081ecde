"""The audit trail in words: each row as a sentence a manager reads ("Tom Lindqvist
opened case HC-2026-0011"), the kinds named for people, and the record's reference read
from the record where it is still held, linked to its page where the reader may open it.

References are loaded set-based, one query per kind of record on the page, so a page
costs the same number of queries whatever its number of rows. The trail itself keeps
kinds and ids only (core.audit); the words are made here, when the page is shown."""

from collections import defaultdict
from dataclasses import dataclass

from django.apps import apps
from django.db.models import Expression, F
from django.urls import NoReverseMatch, reverse

from core.declarations import declarations, own_reference
from core.models import AuditEvent

from .declarations import staff_reference

Action = AuditEvent.Action

NOT_SIGNED_IN = "Someone not signed in"
FORMER_ACCOUNT = "A former account"
AUTOMATIC = "Handover, automatically,"

# Actions done by someone who was not (yet) signed in as anyone.
BEFORE_SIGN_IN = {Action.LOGIN_FAILED, Action.LOCKOUT}


@dataclass(frozen=True)
class Target:
    """A kind of record a row may point at: its model, its noun for people, its reference
    (an expression on the model; None for the declared retention rule's, else "no. <id>"),
    the URL name of its page and the field giving that URL's one argument."""

    model: str
    noun: str
    ref: Expression | str | None = None
    url_name: str = ""
    url_field: str = "pk"
    gone: str = ""  # what the record is called once it is no longer held; else the noun

    @property
    def gone_words(self):
        return self.gone or f"a {self.noun}"

    def reference_expression(self):
        if self.ref is not None:
            return F(self.ref) if isinstance(self.ref, str) else self.ref
        for retainable in declarations.retainables:
            if retainable.record_type == self.model:
                return retainable.ref
        return None

    def view_url(self, pk, link):
        if self.url_name:
            try:
                return reverse(self.url_name, args=[link])
            except NoReverseMatch:
                return None
        for retainable in declarations.retainables:
            if retainable.record_type == self.model and retainable.view_url is not None:
                return retainable.view_url(pk)
        return None


CASE = Target("referrals.case", "case", "reference", "referrals:case_detail")
PRIVACY_REQUEST = Target(
    "privacy_requests.privacyrequest",
    "privacy request",
    own_reference("PR"),
    "privacy_requests:request_detail",
)
REPORT = Target(
    "attendance.supervisedreport",
    "the supervised report of case",
    "booking__case__reference",
    "attendance:report_detail",
    gone="a supervised report",
)
ACCOUNT = Target("centre.user", "", "full_name", gone="a former account")


@dataclass(frozen=True)
class Kind:
    """One ``kind`` the code writes: its name for people (the kind filter), the words
    for what was done to it (the verb) and what it points at, if anything."""

    label: str
    verb: str = ""
    target: Target | None = None


def _case_part(model, noun, gone, url_field="case_id"):
    return Target(model, noun, "case__reference", "referrals:case_detail", url_field, gone)


def _staff_part(model, noun, gone):
    return Target(
        model,
        noun,
        staff_reference("staff_member__"),
        "centre:staff_detail",
        "staff_member_id",
        gone,
    )


# Every kind written by audit.record and audit.sensitive_read across the apps.
KINDS = {
    "case": Kind("Cases", "opened", CASE),
    "case search": Kind("Case searches", "searched for cases"),
    "cases": Kind("Exports of case records", "exported the case records"),
    "case-document": Kind(
        "Case documents",
        "downloaded",
        _case_part("referrals.casedocument", "a document of case", "a case document"),
    ),
    "court-order": Kind(
        "Court orders",
        "downloaded",
        _case_part("referrals.referral", "the court order of case", "a court order"),
    ),
    "photograph": Kind(
        "Pre-visit photographs",
        "looked at",
        _case_part(
            "referrals.previsit", "a pre-visit photograph of case", "a pre-visit photograph"
        ),
    ),
    "supervised report": Kind("Supervised reports", "opened", REPORT),
    "supervised report print": Kind("Supervised reports printed", "printed", REPORT),
    "supervised report pdf": Kind("Supervised reports downloaded", "downloaded the PDF of", REPORT),
    "quarterly-return": Kind("Quarterly returns", "downloaded the quarterly return"),
    "late-tap": Kind(
        "Register taps sent late",
        "made a register tap that reached Handover late, for",
        Target(
            "attendance.tap",
            "case",
            "booking__case__reference",
            "referrals:case_detail",
            "booking__case_id",
            gone="a case",
        ),
    ),
    "tap-undone": Kind(
        "Register taps undone",
        "undid a register tap (kept in the register's history) for",
        Target(
            "attendance.tap",
            "case",
            "booking__case__reference",
            "referrals:case_detail",
            "booking__case_id",
            gone="a case",
        ),
    ),
    "safeguarding incident": Kind(
        "Safeguarding incidents",
        "opened",
        Target(
            "safeguarding.incident",
            "safeguarding incident",
            own_reference("SI"),
            "safeguarding:incident_detail",
        ),
    ),
    "safeguarding concern": Kind(
        "Safeguarding concerns",
        "opened",
        Target(
            "safeguarding.concern",
            "safeguarding concern",
            own_reference("SC"),
            "safeguarding:concern_detail",
        ),
    ),
    "safeguarding accident": Kind(
        "Accidents",
        "opened",
        Target(
            "safeguarding.accident",
            "accident record",
            own_reference("AC"),
            "safeguarding:accident_detail",
            gone="an accident record",
        ),
    ),
    "safeguarding document": Kind("Safeguarding documents", "opened a safeguarding document"),
    "privacy request search": Kind(
        "Searches for a privacy request", "searched the records for", PRIVACY_REQUEST
    ),
    "response pack": Kind("Response packs", "opened the response pack of", PRIVACY_REQUEST),
    "response pack pdf": Kind(
        "Response packs downloaded", "downloaded the PDF of the response pack of", PRIVACY_REQUEST
    ),
    "response pack unredaction": Kind(
        "Confidential details released",
        "released a confidential detail in the response pack of",
        PRIVACY_REQUEST,
    ),
    "dbs-certificate": Kind(
        "DBS certificates",
        "downloaded",
        _staff_part("centre.dbscheck", "the DBS certificate of staff member", "a DBS certificate"),
    ),
    "staff-document": Kind(
        "Staff documents",
        "downloaded",
        _staff_part(
            "centre.staffdocument", "a document on the file of staff member", "a staff document"
        ),
    ),
    "finance-record": Kind(
        "Finance records",
        "downloaded",
        Target("centre.financerecord", "finance record", None),
    ),
    "centre.user": Kind("Accounts", "", ACCOUNT),
    "otp_totp.totpdevice": Kind("Authenticator apps", "with their authenticator app"),
    "otp_static.staticdevice": Kind("Recovery codes", "with a recovery code"),
}

# A kind that is a model's label (a disposal's record type) is named from the model.


def _model_of(label):
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None


def kind_of(kind: str) -> Kind:
    """The words for ``kind``: declared above; else a model's label (a disposal names
    the record type); else a page's URL name (a refusal); else the kind as written."""
    if kind in KINDS:
        return KINDS[kind]
    model = _model_of(kind) if "." in kind else None
    if model is not None:
        meta = model._meta
        return Kind(
            str(meta.verbose_name_plural).capitalize(), "", Target(kind, str(meta.verbose_name))
        )
    if ":" in kind:
        app, _, name = kind.partition(":")
        words = name.replace("_", " ").replace("-", " ")
        # A record's own page (its id in the URL) names the record refused.
        page_of = next(
            (
                known.target
                for known in KINDS.values()
                if known.target is not None
                and known.target.url_name == kind
                and known.target.url_field == "pk"
            ),
            None,
        )
        verb = f"the page “{words}”" + (" of" if page_of is not None else "")
        return Kind(f"Page “{words}” ({app.replace('_', ' ')})", verb, page_of)
    return Kind(kind.capitalize() if kind else "Nothing in particular")


def kind_label(kind: str) -> str:
    return kind_of(kind).label


@dataclass
class Row:
    """One row of the trail as a sentence: ``who`` ``says`` ``target`` (a link where
    ``url``), then ``gone`` where the record is no longer held."""

    event: AuditEvent
    who: str
    says: str
    target: str = ""
    url: str | None = None
    gone: bool = False

    @property
    def action(self):
        return self.event.get_action_display()


def _references(events, user) -> dict:
    """``{(kind, id): (reference, url)}`` for the records on the page still held: one
    query per kind of record, whatever the number of rows."""
    wanted = defaultdict(set)
    for event in events:
        target = kind_of(event.kind).target
        if target is not None and event.object_id is not None:
            wanted[event.kind].add(event.object_id)
    found = {}
    for kind, ids in wanted.items():
        target = kind_of(kind).target
        model = _model_of(target.model)
        if model is None:
            continue
        expression = target.reference_expression()
        annotations = {"audit_link": F(target.url_field)}
        if expression is not None:
            annotations["audit_reference"] = expression
        may_open = user.has_perm(f"{model._meta.app_label}.view_{model._meta.model_name}")
        for row in model._default_manager.filter(pk__in=ids).values("pk", **annotations):
            reference = row.get("audit_reference") or f"no. {row['pk']}"
            url = target.view_url(row["pk"], row["audit_link"]) if may_open else None
            found[kind, row["pk"]] = (f"{target.noun} {reference}".strip(), url)
    return found


def _who(event) -> str:
    if event.action in BEFORE_SIGN_IN:
        return NOT_SIGNED_IN
    if event.user_id is not None:
        return event.user.full_name if event.user is not None else FORMER_ACCOUNT
    return NOT_SIGNED_IN if event.ip_address else AUTOMATIC


def _says(event, kind: Kind) -> str:
    action = event.action
    if action == Action.LOGIN:
        return "signed in"
    if action == Action.LOGOUT:
        return "signed out"
    if action == Action.LOGIN_FAILED:
        return "tried to sign in as" if event.user_id else "tried to sign in with an unknown name"
    if action == Action.LOCKOUT:
        return "was locked out after failed sign-ins as" if event.user_id else "was locked out"
    if action == Action.REFUSED:
        return f"was refused {kind.verb or 'a page'}"
    if action == Action.SECOND_FACTOR:
        return f"passed the second sign-in step {kind.verb}".rstrip()
    if action == Action.SECOND_FACTOR_FAILED:
        return "entered a wrong second-factor code"
    if action == Action.SESSIONS_ENDED:
        if event.object_id:
            return "ended every signed-in session of"
        return "signed out of their other sessions"
    if action == Action.TWO_FACTOR_RESET:
        return "reset the two-factor sign-in of"
    if action == Action.DISPOSAL:
        return "disposed of"
    if action == Action.LATE_TAP:
        return KINDS["late-tap"].verb
    if action == Action.EXPORT:
        return kind.verb or "exported"
    if action == Action.APPROVAL:
        return kind.verb or "approved"
    return kind.verb or "opened"


def sentences(events, user) -> list[Row]:
    """The page's rows as sentences, the references of the records still held loaded in
    one query per kind (``user`` decides which the page links to)."""
    events = list(events)
    found = _references(events, user)
    rows = []
    for event in events:
        kind = kind_of(event.kind)
        row = Row(event, _who(event), _says(event, kind))
        if event.action in BEFORE_SIGN_IN:
            # The account whose name was typed, not someone who acted.
            if event.user_id:
                row.target = event.user.full_name if event.user is not None else "a former account"
        elif kind.target is not None and event.object_id is not None:
            if (event.kind, event.object_id) in found:
                row.target, row.url = found[event.kind, event.object_id]
            else:
                row.target, row.gone = kind.target.gone_words, True
        elif event.action == Action.REFUSED and event.object_id is not None:
            row.target = f"for no. {event.object_id}"
        elif event.action == Action.APPROVAL and not event.kind:
            row.target = event.detail
        rows.append(row)
    return rows


def kind_choices(kinds) -> list[tuple[str, str]]:
    """The kinds written in the trail, in words, sorted by them."""
    return sorted(((kind, kind_label(kind)) for kind in kinds if kind), key=lambda c: c[1])
