"""``/health/`` tells a load balancer whether the database and cache answer."""

import os

import pytest
from django.conf import settings
from django.core.cache import cache


def test_it_reports_the_database_and_cache_as_ok(client, db):
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "cache": "ok"}


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="REDIS_URL is not set")
def test_with_redis_configured_the_cache_really_is_redis(client, db):
    assert settings.CACHES["default"]["BACKEND"].endswith("RedisCache")
    cache.set("health-probe", "stored in redis", timeout=5)
    assert cache.get("health-probe") == "stored in redis"
    assert client.get("/health/").json()["cache"] == "ok"


def test_with_the_cache_unreachable_it_answers_200_and_says_it_is_degraded(client, db, settings):
    """Redis down takes nothing away that matters: every page works and every write is
    kept (tests/test_faults.py), so the load balancer must keep sending people here."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            # Nothing listens on port 9: the connection is refused at once.
            "LOCATION": "redis://127.0.0.1:9/0",
        }
    }
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "cache": "unavailable", "status": "degraded"}
