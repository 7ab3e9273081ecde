#!/bin/sh
# Creates the role Handover's application connects as (docs/operating.md, "Two database
# roles"): it may log in, and nothing else. It is not a superuser, owns nothing and cannot
# create databases or roles; the tables belong to POSTGRES_USER (the owner), which runs the
# migrations and then `manage.py grant_app_role handover_app`.
#
# docker-compose mounts this file into the postgres image's /docker-entrypoint-initdb.d/,
# which runs it once, when the database volume is first created. On an existing
# installation run it by hand (it does nothing if the role exists):
#   docker compose exec db sh /docker-entrypoint-initdb.d/10-handover-app-role.sh
#
# The password is HANDOVER_APP_PASSWORD, from .env.production; the same value goes into
# DATABASE_URL. No `set -u`: the image may source this file rather than run it.
set -e
: "${HANDOVER_APP_PASSWORD:?HANDOVER_APP_PASSWORD is not set (.env.production)}"
: "${HANDOVER_APP_ROLE:=handover_app}"

psql -v ON_ERROR_STOP=1 --no-psqlrc \
  --username "${POSTGRES_USER:-postgres}" --dbname "${POSTGRES_DB:-${POSTGRES_USER:-postgres}}" \
  --set=role="$HANDOVER_APP_ROLE" --set=password="$HANDOVER_APP_PASSWORD" <<'SQL'
SELECT format(
    'CREATE ROLE %I LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS '
    'PASSWORD %L',
    :'role', :'password'
) WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'role')
\gexec
SQL
