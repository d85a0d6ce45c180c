"""The database cache's tables (settings.CACHES without REDIS_URL), so that `migrate`
alone leaves a working site: replies, rate limits and pages are cached there.

createcachetable skips tables that exist and caches that are not in the database (Redis);
after switching an existing site from Redis to the database cache, run it by hand.
"""

from django.core.management import call_command
from django.db import migrations


def create_cache_tables(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("comments", "0008_reason_codes")]

    operations = [migrations.RunPython(create_cache_tables, migrations.RunPython.noop)]
