import logging
import logging.config
import os

from celery import Celery
from celery.signals import setup_logging

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("handover")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@setup_logging.connect
def _log_through_django_settings(loglevel=None, **kwargs):
    """The worker and beat log through ``LOGGING``, with its filter on every handler
    (centre/log_filters.py), instead of Celery replacing the root logger's handlers with
    its own unfiltered ones. ``--loglevel`` still sets the level."""
    from django.conf import settings

    logging.config.dictConfig(settings.LOGGING)
    if loglevel:
        logging.getLogger().setLevel(loglevel)
