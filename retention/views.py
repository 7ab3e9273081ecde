"""The manager's pages of the retention schedule: the disposal queue and its decisions,
the forecast, the rules (with their changes) and the proofs of disposal. Every page is
the manager's: staff and volunteers hold no retention permission."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import F, Window
from django.db.models.functions import RowNumber
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.views.decorators.http import require_http_methods, require_safe

from centre.access import public, requires
from centre.models import CentreProfile, PrivacyNoticeVersion
from core.pages import form_page

from . import engine, tasks
from .forms import PostponeForm, RuleForm
from .models import DisposalRecord, QueueItem, Rule
from .schedule import RuleKey
from .selectors import disposal_preview, queue_items_awaiting, queue_items_link
from .services import (
    DISPOSAL_EXPECTED_WITHIN,
    disposal_approve,
    disposal_postpone,
    queue_summary,
    rule_change,
)

# A group shows its first items only, so the page stays light on a night that flags
# thousands; approving the group approves all of them, shown or not.
ITEMS_SHOWN = 200
PROOFS_PER_PAGE = 50
HORIZONS = (30, 90, 365)
NO_COUNTS = {"awaiting": 0, "approved": 0, "postponed": 0, "overdue": 0}
HOLD_NAMES = {
    "safeguarding": "safeguarding hold",
    "legal": "legal hold",
    "privacy-request": "open privacy request",
}


def kind_label(kind):
    return kind.replace("-", " ").capitalize()


def item_label(item):
    """What a queued record (or its proof) is called: its kind, or, for the review of an
    open case with nothing recorded on it, the decision it awaits."""
    if item.rule == RuleKey.DORMANT_CASE:
        return "Review: dormant case"
    return kind_label(item.kind)


def _item_state(item, today):
    if item.status == QueueItem.Status.APPROVED:
        return "approved"
    if item.status == QueueItem.Status.POSTPONED and item.postponed_until > today:
        return "postponed"
    return "awaiting"


@requires("retention.approve_disposal")
@require_safe
def queue(request):
    """The queue grouped by rule, in the policy's order, in three queries whatever its
    length: the rules, the counts, and the first items of every group."""
    today = timezone.localdate()
    counts = queue_summary()
    items = (
        QueueItem.objects.annotate(
            place=Window(
                RowNumber(),
                partition_by=[F("rule")],
                order_by=[F("due_on").asc(), F("ref").asc(), F("pk").asc()],
            )
        )
        .filter(place__lte=ITEMS_SHOWN)
        .order_by("due_on", "ref", "pk")
    )
    by_rule = {}
    late = timezone.now() - DISPOSAL_EXPECTED_WITHIN
    for item in queue_items_link(items):
        item.state = _item_state(item, today)
        item.overdue = item.state == "approved" and item.decided_at < late
        item.kind_label = item_label(item)
        by_rule.setdefault(item.rule, []).append(item)
    groups = []
    for rule in Rule.objects.all():
        rule_counts = {**NO_COUNTS, **counts.get(rule.key, {})}
        total = rule_counts["awaiting"] + rule_counts["approved"] + rule_counts["postponed"]
        if total:
            groups.append(
                {
                    "rule": rule,
                    "counts": rule_counts,
                    "total": total,
                    "items": by_rule.get(rule.key, []),
                }
            )
    return render(
        request,
        "retention/queue.html",
        {
            "groups": groups,
            "awaiting": sum(group["counts"]["awaiting"] for group in groups),
            "overdue": sum(group["counts"]["overdue"] for group in groups),
            "expected_minutes": int(DISPOSAL_EXPECTED_WITHIN.total_seconds() // 60),
            "items_shown": ITEMS_SHOWN,
        },
    )


def _approved(request, count):
    if count:
        messages.success(
            request,
            f"{count} record{'s' if count != 1 else ''} approved for disposal, with your name. "
            "The disposal runs in the background; anything placed under a hold before it "
            "runs is not disposed of.",
        )
    else:
        messages.info(request, "Nothing was awaiting a decision, so nothing was approved.")
    return redirect("retention:queue")


def _approve_or_confirm(request, *, items, approve, title, scope):
    """The first click shows what would go; only a POST from that page with ``confirm``
    approves. A POST without it (an old button, a double submission from the queue)
    shows the same page and destroys nothing. The page sends the ids it showed: what the
    sweep adds to the queue meanwhile is not approved with them."""
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        shown = request.POST.getlist("shown")
        only = None
        if shown:
            only = QueueItem.objects.filter(pk__in=[int(i) for i in shown if i.isdigit()])
        return _approved(request, approve(only))
    queue_items_link(items)
    names = {rule.key: rule for rule in Rule.objects.all()}
    for item in items:
        item.kind_label = item_label(item)
        item.rule_label = names.get(item.rule, item.rule)
    return render(
        request,
        "retention/approve_confirm.html",
        {
            "title": title,
            "scope": scope,
            "items": items,
            "preview": disposal_preview(items),
        },
    )


@requires("retention.approve_disposal")
@require_http_methods(["GET", "POST"])
def approve_all(request):
    items = queue_items_awaiting()
    return _approve_or_confirm(
        request,
        items=items,
        approve=lambda only: disposal_approve(
            actor=request.user, items=only, queue_disposal=tasks.dispose_approved_soon
        ),
        title=f"Approve all awaiting ({len(items)})",
        scope=f"all {len(items)} record{'s' if len(items) != 1 else ''} awaiting a decision",
    )


@requires("retention.approve_disposal")
@require_http_methods(["GET", "POST"])
def approve_rule(request, pk):
    rule = get_object_or_404(Rule, pk=pk)
    items = queue_items_awaiting(rule=rule.key)
    return _approve_or_confirm(
        request,
        items=items,
        approve=lambda only: disposal_approve(
            actor=request.user,
            rule=rule.key,
            items=only,
            queue_disposal=tasks.dispose_approved_soon,
        ),
        title=f"Approve this group ({len(items)}): {rule}",
        scope=f"the {len(items)} record{'s' if len(items) != 1 else ''} of {rule} "
        "awaiting a decision",
    )


@requires("retention.approve_disposal")
@require_http_methods(["GET", "POST"])
def approve_item(request, pk):
    # No 404 for an item already disposed of (a second click): the page and the count say it.
    items = queue_items_awaiting(pk=pk)
    return _approve_or_confirm(
        request,
        items=items,
        approve=lambda only: disposal_approve(
            actor=request.user,
            items=QueueItem.objects.filter(pk=pk) if only is None else only.filter(pk=pk),
            queue_disposal=tasks.dispose_approved_soon,
        ),
        title=(
            f"Approve {item_label(items[0]).lower()} {items[0].ref}"
            if items
            else "Approve a record"
        ),
        scope="this record",
    )


@requires("retention.approve_disposal")
@require_http_methods(["GET", "POST"])
def item_postpone(request, pk):
    item = get_object_or_404(QueueItem, pk=pk)
    form = PostponeForm(request.POST if request.method == "POST" else None)
    back_url = reverse("retention:queue")
    label = f"{item_label(item).lower()} {item.ref}"
    # A dormant case's label says it is a review already.
    doing = (
        label[0].upper() + label[1:]
        if item.rule == RuleKey.DORMANT_CASE
        else f"{item.get_action_display()} {label}"
    )

    def on_valid(form):
        postponed = disposal_postpone(
            item=item,
            until=form.cleaned_data["until"],
            reason=form.cleaned_data["reason"],
            actor=request.user,
        )
        messages.success(
            request,
            f"The decision on {label} is put off until "
            f"{date_format(postponed.postponed_until, 'j F Y')}. It comes back to the queue then.",
        )
        return back_url

    return form_page(
        request,
        form=form,
        title=f"Put off the decision on {label}",
        back_url=back_url,
        on_valid=on_valid,
        intro=f"{doing}: {item.summary}. Due on "
        f"{date_format(item.due_on, 'j F Y')}. Nothing happens to the record until you approve it; "
        "the postponement is recorded with your name and reason.",
        submit_label="Put off the decision",
    )


@requires("retention.approve_disposal")
@require_safe
def forecast(request):
    today = timezone.localdate()
    counts = engine.forecast(today, HORIZONS)
    rules = list(Rule.objects.all())
    rows = [(rule, [counts[days].get(rule.key, 0) for days in HORIZONS]) for rule in rules]
    names = {rule.key: str(rule) for rule in rules}
    held = [
        {
            "kind": kind_label(finding.kind),
            "ref": finding.ref,
            "rule": names.get(finding.rule, finding.rule),
            "due_on": finding.due_on,
            "holds": ", ".join(HOLD_NAMES.get(kind, kind) for kind in finding.holds),
        }
        for finding in engine.assess(today)
        if finding.is_held
    ]
    return render(
        request,
        "retention/forecast.html",
        {"rows": rows, "horizons": HORIZONS, "today": today, "held": held},
    )


def _changes_by_rule(rule_id=None):
    changes = Rule.history.select_related("history_user").order_by("-history_date", "-pk")
    if rule_id is not None:
        changes = changes.filter(id=rule_id)
    by_rule = {}
    for change in changes:
        by_rule.setdefault(change.id, []).append(change)
    return by_rule


@requires("retention.view_rule")
@require_safe
def rule_list(request):
    rules = list(Rule.objects.all())
    changes = _changes_by_rule()
    for rule in rules:
        rule.changes = changes.get(rule.pk, [])
    return render(request, "retention/rule_list.html", {"rules": rules})


@requires("retention.change_rule")
@require_http_methods(["GET", "POST"])
def rule_change_view(request, pk):
    rule = get_object_or_404(Rule, pk=pk)
    form = RuleForm(request.POST if request.method == "POST" else None, instance=rule)
    back_url = reverse("retention:rule_list")

    def on_valid(form):
        changed = rule_change(
            rule=form.save(commit=False),
            reason=form.cleaned_data["change_reason"],
            actor=request.user,
        )
        messages.success(
            request,
            f"The rule for {changed.get_key_display().lower()} is changed. The privacy "
            f"notice now says {changed.period}, and the next sweep applies it.",
        )
        return back_url

    return form_page(
        request,
        form=form,
        title=f"Change the rule for {rule.get_key_display().lower()}",
        back_url=back_url,
        on_valid=on_valid,
        intro=f"{rule.records}. The clock starts at {rule.trigger}. The public privacy "
        "notice shows the period and wording you save here, and the change is kept in the "
        "rule's history with your name and reason.",
        submit_label="Save the change",
    )


@requires("retention.view_disposalrecord")
@require_safe
def disposal_list(request):
    page = Paginator(DisposalRecord.objects.all(), PROOFS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    for proof in page.object_list:
        proof.kind_label = item_label(proof)
    return render(request, "retention/disposal_list.html", {"page": page})


@public
def privacy_notice(request):
    """The centre's privacy notice. It lives here because its retention table is the rules
    the sweep applies, so the notice cannot drift from them."""
    return render(
        request,
        "centre/privacy_notice.html",
        {
            "profile": CentreProfile.load(),
            "retention_rules": Rule.objects.all(),
            "notice_version": PrivacyNoticeVersion.current(),
        },
    )
