"""Technicians write the knowledge base: they add and change articles, their
language versions and categories in the admin."""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations

MODELS = ["article", "articleversion", "articlecategory"]


def grant(apps, schema_editor):
    using = schema_editor.connection.alias
    create_permissions(global_apps.get_app_config("support"), verbosity=0, using=using, apps=apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    technician, _ = Group.objects.using(using).get_or_create(name="Technician")
    codenames = [f"{action}_{model}" for model in MODELS for action in ("view", "add", "change")]
    technician.permissions.add(
        *Permission.objects.using(using).filter(
            content_type__app_label="support", codename__in=codenames
        )
    )


class Migration(migrations.Migration):
    dependencies = [("support", "0008_sign_in_articles")]
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
