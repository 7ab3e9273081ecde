"""Who may use each URL, declared once on its view.

Every view the project routes is wrapped by exactly one of ``public``, ``signed_in``,
``requires(...)``, ``requires_or_safeguarding_lead(...)`` or, for the second-factor pages
alone, ``password_given``. The wrapper enforces the rule
and leaves it on the view as ``access_rule``, where the navigation and the URL access
tests read it.
"""

from dataclasses import dataclass
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from . import two_factor


@dataclass(frozen=True)
class AccessRule:
    description: str
    is_public: bool = False
    permission: str | None = None
    # The designated safeguarding lead is a flag on a user, not a role: a rule with this
    # set also admits an active lead who does not hold ``permission``.
    or_safeguarding_lead: bool = False
    # Every rule but this needs the second factor too, where the person's role needs one
    # (centre.two_factor); this admits someone who has so far given only their password.
    before_second_factor: bool = False

    def allows(self, user):
        if self.is_public:
            return True
        if not user.is_authenticated or not user.is_active:
            return False
        if self.or_safeguarding_lead and user.is_safeguarding_lead:
            return True
        return self.permission is None or user.has_perm(self.permission)


def _declare(rule):
    def decorator(view):
        if rule.is_public:
            wrapped = view
        else:

            @wraps(view)
            def wrapped(request, *args, **kwargs):
                user = request.user
                if not user.is_authenticated:
                    return redirect_to_login(request.get_full_path())
                if not rule.before_second_factor and two_factor.is_pending(request):
                    return redirect_to_login(
                        request.get_full_path(), login_url=reverse("two_factor")
                    )
                if not rule.allows(user):
                    raise PermissionDenied
                return view(request, *args, **kwargs)

        wrapped.access_rule = rule
        return wrapped

    return decorator


public = _declare(AccessRule("anyone, signed in or not", is_public=True))
signed_in = _declare(AccessRule("anyone signed in"))
password_given = _declare(
    AccessRule("anyone who has given their password", before_second_factor=True)
)


def requires(permission):
    """Only users whose role holds ``permission`` ("app_label.codename")."""
    return _declare(AccessRule(f"holders of {permission}", permission=permission))


def requires_or_safeguarding_lead(permission):
    """The designated safeguarding lead, and users whose role holds ``permission``."""
    return _declare(
        AccessRule(
            f"the designated safeguarding lead and holders of {permission}",
            permission=permission,
            or_safeguarding_lead=True,
        )
    )


def rule_of(view):
    return getattr(view, "access_rule", None)
