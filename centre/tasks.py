from celery import shared_task

from .disclosures import disclosures_expire, replaced_controller_names_forget
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


@shared_task
def expire_disclosures():
    """Nightly: the disclosure log's entries kept for accountability, and those about no
    case or person, are deleted seven years after the disclosure."""
    return disclosures_expire()


@shared_task
def forget_replaced_controller_names():
    """Nightly: a data controller's name replaced seven years ago leaves the profile's
    history."""
    return replaced_controller_names_forget()
