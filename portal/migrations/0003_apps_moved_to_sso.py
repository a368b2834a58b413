"""The app tiles became the single sign-on app registry (sso.App), which copied
them (sso 0002) before this drops their table."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("portal", "0002_demo_tiles"), ("sso", "0002_demo_apps")]
    operations = [migrations.DeleteModel(name="AppTile")]
