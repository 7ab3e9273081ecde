"""The data portability block of a privacy request's page and of its response pack: the
download where Article 20 allows it and the pack is reviewed, otherwise why not."""

from django import template

from ..models import PrivacyRequest, ResponsePack
from ..pack import DECIDE, portability_unavailable

register = template.Library()


@register.inclusion_tag("privacy_requests/_portability.html", takes_context=True)
def portability(context, privacy_request, pack=None):
    if pack is None:
        pack = ResponsePack.objects.filter(request=privacy_request).first()
    return {
        "shown": privacy_request.right
        in (PrivacyRequest.Right.ACCESS, PrivacyRequest.Right.PORTABILITY),
        "privacy_request": privacy_request,
        "unavailable": portability_unavailable(privacy_request),
        "has_pack": pack is not None,
        "reviewed": pack is not None and pack.reviewed_at is not None,
        "can_export": context["request"].user.has_perm(DECIDE),
        "can_record_basis": privacy_request.is_open
        and context["request"].user.has_perm("privacy_requests.change_privacyrequest"),
        "bases": PrivacyRequest.LawfulBasis.choices,
        "csrf_token": context.get("csrf_token"),
    }
