"""The admin's roles, as groups: Technician and IT administrator (accounts.roles).

A technician helps people with their accounts: views and changes accounts (the
reset, disable and enable actions), views the directory, the audit log and the
challenge-question catalog; nothing on groups, permissions or staff. The IT
administrator group holds no permission of its own: accounts.roles gives its
members every permission, as Django gives a superuser.

On a new database the permissions do not exist yet while migrations run (Django
creates them after the last one), so they are created here first, from the
models as they stand at this migration."""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations

TECHNICIAN = "Technician"
IT_ADMINISTRATOR = "IT administrator"

TECHNICIAN_PERMISSIONS = {
    "accounts": ["view_account", "change_account", "view_challengequestion"],
    "directory": [
        "view_org",
        "view_academicsession",
        "view_person",
        "view_class",
        "view_enrollment",
        "view_syncrun",
    ],
    "audit": ["view_auditevent"],
}


def create_roles(apps, schema_editor):
    using = schema_editor.connection.alias
    for label in TECHNICIAN_PERMISSIONS:
        # The installed app's config (the historical one has no models module, which
        # create_permissions skips); the models it reads come from `apps`.
        create_permissions(global_apps.get_app_config(label), verbosity=0, using=using, apps=apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    technician, _ = Group.objects.using(using).get_or_create(name=TECHNICIAN)
    for label, codenames in TECHNICIAN_PERMISSIONS.items():
        permissions = Permission.objects.using(using).filter(
            content_type__app_label=label, codename__in=codenames
        )
        if permissions.count() != len(codenames):
            raise RuntimeError(f"Missing permissions of {label}: expected {codenames}")
        technician.permissions.add(*permissions)
    Group.objects.using(using).get_or_create(name=IT_ADMINISTRATOR)


def remove_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.using(schema_editor.connection.alias).filter(
        name__in=[TECHNICIAN, IT_ADMINISTRATOR]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_seed_challenge_questions"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("directory", "0002_sync_links"),
        ("audit", "0005_privilege_events"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
