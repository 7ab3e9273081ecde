"""How an account's permissions are read: Django's ModelBackend, in one query.

Every signed-in page asks what its reader may do (the view's access rule, the navigation).
Django reads an account's own permissions and its groups' apart, two queries a page; this
reads both at once. What an account may do is unchanged: its own permissions and its
groups' (roles are groups, centre.roles), every permission for a superuser, none for an
inactive account. The account of each request is read with its role, in one query.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission
from django.db.models import Q


class ModelBackendInOneQuery(ModelBackend):
    def get_user(self, user_id):
        """The signed-in account of a request, with its role in the same query
        (``UserManager.with_role``)."""
        User = get_user_model()
        try:
            user = User._default_manager.with_role().get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            permissions = Permission.objects.all()
            if not user_obj.is_superuser:
                permissions = permissions.filter(Q(user=user_obj) | Q(group__user=user_obj))
            user_obj._perm_cache = {
                f"{app_label}.{codename}"
                for app_label, codename in permissions.values_list(
                    "content_type__app_label", "codename"
                )
                .order_by()
                .distinct()
            }
        return user_obj._perm_cache
