from celery import shared_task

from .services import leavers_accounts_close


@shared_task
def close_accounts_of_leavers():
    """Nightly: nobody keeps a way in after their last day at the centre."""
    return leavers_accounts_close()
