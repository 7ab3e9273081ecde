import logging

from celery import shared_task

from . import expiry, forecasts, services

logger = logging.getLogger(__name__)


@shared_task
def sweep():
    """Nightly: flag what the retention schedule says is due. If a sweep is already
    running (a slow night, or someone running it by hand), this one stands down. Then it
    counts the day's forecast for the manager's home, so their first look of the day
    does not wait for it."""
    try:
        result = services.retention_sweep()
    except services.SweepAlreadyRunning:
        logger.warning("retention-sweep-skipped reason=already-running")
        return None
    forecasts.forecast_refresh()
    return result


@shared_task
def dispose_approved():
    """Dispose of what the manager approved. Queued on each approval and run by beat
    every five minutes, so approved work left by a worker that died, or not queued while
    Redis was down, is finished minutes later."""
    return services.dispose_approved()


@shared_task
def expire_audit_trail_and_proofs():
    """Nightly: delete the audit events and the proofs of disposal more than seven years
    old, through the database functions that alone may (retention/expiry.py)."""
    counts = expiry.expire_audit_trail_and_proofs()
    logger.info(
        "audit-and-proofs-expired audit_events=%s proofs=%s",
        counts["audit_events"],
        counts["proofs"],
    )
    return counts


def dispose_approved_soon():
    """Ask a worker to dispose of what was approved; ``disposal_approve`` calls this once
    the approval is committed. The approvals are in the database, so if the queue cannot
    be reached beat's five-minute run does the work instead."""
    try:
        # No one waits for the result: without ignore_result, a down Redis result store
        # would be retried for some twenty seconds inside the manager's request.
        dispose_approved.apply_async(ignore_result=True)
    except Exception:  # the broker is down: the nightly run picks the approvals up
        logger.exception("retention-dispose-not-queued")
