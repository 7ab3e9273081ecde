from celery import shared_task

from .services import leavers_accounts_close
from .sessions import expired_sign_in_records_forget


@shared_task
def close_accounts_of_leavers():
    """Nightly: nobody keeps a way in after their last day at the centre."""
    return leavers_accounts_close()


@shared_task
def forget_expired_sign_in_records():
    """Nightly: ended sessions and old failed sign-ins are deleted, not kept."""
    return expired_sign_in_records_forget()
