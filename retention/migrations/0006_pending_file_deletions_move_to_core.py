"""The files a deletion left to remove move to the base layer with the deletion itself
(core migration 0001): retention forgets the model in Django's state only. The table
``retention_pendingfiledeletion`` and its rows stay as they are."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("retention", "0005_erasure"),
        ("core", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="PendingFileDeletion")],
        ),
    ]
