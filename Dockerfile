# Handover's production image. One image serves three roles (see docker-compose.yml): the
# web application under gunicorn, the Celery worker and Celery beat.
FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    UPLOAD_ROOT=/data/uploads

# The application runs as an unprivileged user. It may write only to the uploads folder,
# its home (where gunicorn keeps its control socket) and /tmp. The uploads folder is a
# volume in production; an empty named volume takes this owner and mode when first mounted.
RUN groupadd --system --gid 10001 handover \
    && useradd --system --uid 10001 --gid handover --create-home --home-dir /home/handover \
        --shell /usr/sbin/nologin handover \
    && mkdir -p /data/uploads \
    && chown handover:handover /data/uploads \
    && chmod 700 /data/uploads

# libmagic: uploads are checked by their content with python-magic, which needs it.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libmagic1 \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app

# Dependencies first, from pyproject.toml alone, so a code change does not reinstall them.
# The project installs no packages of its own ([tool.setuptools] packages = []): this
# brings in the pinned dependencies only. README.md is there because pyproject names it.
COPY pyproject.toml README.md /tmp/handover/
RUN pip install --no-cache-dir /tmp/handover && rm -rf /tmp/handover

COPY . .

# Static files for WhiteNoise, collected into STATIC_ROOT (/app/staticfiles). These values
# exist for this step only; collectstatic opens no database.
RUN DEBUG=False SECRET_KEY=build-only ALLOWED_HOSTS=localhost DATABASE_URL=sqlite:///:memory: \
    python manage.py collectstatic --noinput

# Numeric, so the host and orchestrators can tell it is not root.
USER 10001:10001

EXPOSE 8000

# Gunicorn's settings are in config/gunicorn.py: 2 workers of 4 threads for a 2-core machine,
# access log on stdout (URLs hold no personal data in this application). Unless
# DB_POOL_SIZE says otherwise, it gives each worker a psycopg pool of one connection per
# thread.
CMD ["gunicorn", "config.wsgi:application", "-c", "config/gunicorn.py"]
