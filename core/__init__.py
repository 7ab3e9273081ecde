"""The base layer: what every app builds on, and which imports no app.

- ``declarations``: what each app declares about its records (personal data, retention,
  erasure, who may read them) and the hooks it offers, all in one registry;
- ``purge``: complete deletion of a record with its history and files;
- ``pages``: the one form-page helper;
- ``audit``: the append-only audit trail.
"""
