"""Technicians read the Support Center's rows in the admin: tickets, the category
list (which IT administrators edit) and the ticket emails, with the failed ones."""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations

CODENAMES = ["view_ticket", "view_category", "view_notification"]


def grant(apps, schema_editor):
    using = schema_editor.connection.alias
    create_permissions(global_apps.get_app_config("support"), verbosity=0, using=using, apps=apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    technician, _ = Group.objects.using(using).get_or_create(name="Technician")
    permissions = Permission.objects.using(using).filter(
        content_type__app_label="support", codename__in=CODENAMES
    )
    technician.permissions.add(*permissions)


class Migration(migrations.Migration):
    dependencies = [("support", "0002_categories"), ("accounts", "0003_roles")]
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
