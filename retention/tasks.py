import logging

from celery import shared_task

from . import services

logger = logging.getLogger(__name__)


@shared_task
def sweep():
    """Nightly: flag what the retention schedule says is due. If a sweep is already
    running (a slow night, or someone running it by hand), this one stands down."""
    try:
        return services.retention_sweep()
    except services.SweepAlreadyRunning:
        logger.warning("retention-sweep-skipped reason=already-running")
        return None


@shared_task
def dispose_approved():
    """Dispose of what the manager approved. Queued on each approval and run by beat
    every five minutes, so approved work left by a worker that died, or not queued while
    Redis was down, is finished minutes later."""
    return services.dispose_approved()
