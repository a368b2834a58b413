"""The demo's "Technology Support Center" tile led to /support/, a page that does not
exist yet: it is removed (the support center adds its own tile when it comes)."""

from django.db import migrations


def remove_support_tile(apps, schema_editor):
    AppTile = apps.get_model("portal", "AppTile")
    AppTile.objects.filter(name="Technology Support Center", url="/support/").delete()


class Migration(migrations.Migration):
    dependencies = [("portal", "0002_demo_tiles")]
    operations = [migrations.RunPython(remove_support_tile, migrations.RunPython.noop)]
