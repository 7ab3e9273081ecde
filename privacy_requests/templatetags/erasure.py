from django import template

from retention.models import ErasureDecision

from ..erasure_views import erasure_subject
from ..models import PrivacyRequest

register = template.Library()


@register.inclusion_tag("privacy_requests/_erasure.html", takes_context=True)
def erasure_outcomes(context, privacy_request):
    """For an erasure request: what was decided for each record, and the button that
    decides (the manager, while the request is open)."""
    user = context["request"].user
    is_erasure = privacy_request.right == PrivacyRequest.Right.ERASURE
    decisions = (
        list(ErasureDecision.objects.filter(request_reference=privacy_request.reference))
        if is_erasure
        else []
    )
    return {
        "privacy_request": privacy_request,
        "is_erasure": is_erasure,
        "decisions": decisions,
        "can_decide": is_erasure
        and privacy_request.is_open
        and erasure_subject(privacy_request) is not None
        and user.has_perm("privacy_requests.decide_privacyrequest"),
    }
