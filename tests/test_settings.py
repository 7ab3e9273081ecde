"""Start-up refuses an unsafe production configuration, and a safe one passes Django's
deployment checks with no warnings."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = {
    "DEBUG": "False",
    "SECRET_KEY": "a-production-secret-key-that-is-long-and-random-0123456789-abcdefghijklmnop",
    "ALLOWED_HOSTS": "handover.example.org",
}


def manage(*args, **env):
    clean = {k: v for k, v in os.environ.items() if k not in PRODUCTION}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_prints_no_warnings_with_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout
    assert "WARNING" not in result.stderr


@pytest.mark.parametrize(
    ("missing", "message"),
    [
        ("SECRET_KEY", "SECRET_KEY is not set. With DEBUG=False it must be given"),
        ("ALLOWED_HOSTS", "ALLOWED_HOSTS is not set. With DEBUG=False it must list"),
    ],
)
def test_production_without_a_required_setting_stops_with_a_clear_message(missing, message):
    env = {key: value for key, value in PRODUCTION.items() if key != missing}
    result = manage("check", **env)
    assert result.returncode != 0
    assert message in result.stderr


def test_with_no_environment_at_all_it_runs_on_the_embedded_defaults(tmp_path):
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django, json; django.setup(); from django.conf import settings as s; "
            "print(json.dumps([s.DEBUG, s.DATABASES['default']['ENGINE'], "
            "s.CELERY_TASK_ALWAYS_EAGER, s.MAILERS['default']['BACKEND'], s.TIME_ZONE, "
            "s.LANGUAGE_CODE]))",
        ],
        cwd=ROOT,
        env={"PATH": os.environ["PATH"], "DJANGO_SETTINGS_MODULE": "config.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        '[true, "django.db.backends.sqlite3", true, '
        '"django.core.mail.backends.console.EmailBackend", "Europe/London", "en-gb"]'
    )


def test_database_and_redis_urls_select_postgresql_and_a_real_broker():
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings as s; "
            "print(s.DATABASES['default']['ENGINE'], s.CELERY_BROKER_URL, "
            "s.CELERY_TASK_ALWAYS_EAGER, s.CACHES['default']['BACKEND'])",
        ],
        cwd=ROOT,
        env={
            "PATH": os.environ["PATH"],
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/handover",
            "REDIS_URL": "redis://127.0.0.1:6379/0",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.db.backends.postgresql",
        "redis://127.0.0.1:6379/0",
        "False",
        "django.core.cache.backends.redis.RedisCache",
    ]


def test_static_files_collect_for_production(tmp_path):
    """WhiteNoise's manifest storage refuses a file that points at a missing one (a source
    map, an image in the CSS): production must collect cleanly."""
    result = manage(
        "collectstatic",
        "--no-input",
        **PRODUCTION,
        STATIC_ROOT=str(tmp_path / "static"),
        DATABASE_URL="sqlite:///:memory:",
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "static" / "staticfiles.json").is_file()
    assert list((tmp_path / "static" / "vendor" / "bootstrap").glob("bootstrap.min.*.css"))
