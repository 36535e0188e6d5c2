"""The queue's search: ``Proposal.search_text`` (reviews/search.py), filled in for the records there
are, and on PostgreSQL a GIN trigram index on it (``pg_trgm``), so ``LIKE '%term%'`` is an index scan
on a million rows. SQLite gets the column only: it has no such index, and reads the column instead.

The extension and the index are plain SQL run on PostgreSQL only, rather than ``TrigramExtension`` and
a ``GinIndex`` in the model's Meta: ``django.contrib.postgres`` needs psycopg at import time (an
optional dependency of the plug-in) and a GinIndex in the model state would be rebuilt on SQLite by
any later migration that remakes the table. ``pg_trgm`` is a trusted extension (PostgreSQL 13+): the
database's owner may create it.
"""

from django.db import migrations, models

BATCH = 2000
INDEX = "proposal_search_trgm"


def fill(apps, schema_editor):
    from reviews.search import search_text_of

    Proposal = apps.get_model("hitlcrm_reviews", "Proposal")
    last = 0
    while True:
        batch = list(Proposal.objects.filter(pk__gt=last).order_by("pk").prefetch_related("field_changes")[:BATCH])
        if not batch:
            return
        for proposal in batch:
            proposal.search_text = search_text_of(proposal, list(proposal.field_changes.all()))
        # A derived column of the record's own content: no history row, nothing audited changes.
        Proposal.objects.bulk_update(batch, ["search_text"])
        last = batch[-1].pk


def index_create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(f'CREATE INDEX IF NOT EXISTS "{INDEX}" ON "reviews_proposal" '
                          f'USING gin ("search_text" gin_trgm_ops)')


def index_drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f'DROP INDEX IF EXISTS "{INDEX}"')


class Migration(migrations.Migration):

    dependencies = [
        ('hitlcrm_reviews', '0019_approval_digests'),
    ]

    operations = [
        migrations.AddField(
            model_name='proposal',
            name='search_text',
            field=models.TextField(blank=True, default='', editable=False),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
        migrations.RunPython(index_create, index_drop),
    ]
