"""A starting equipment catalog (the letter's laptops, cell phones and the like);
IT staff edit it in the admin. Technicians may view it and the equipment handed out."""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations

ITEMS = [
    ("Laptop", "Computadora portátil", "Máy tính xách tay", 10),
    ("Cell phone", "Teléfono celular", "Điện thoại di động", 20),
    ("Mobile hotspot", "Punto de acceso móvil", "Thiết bị phát Wi-Fi di động", 30),
    ("Monitor", "Monitor", "Màn hình", 40),
    ("Headset", "Auriculares con micrófono", "Tai nghe có micrô", 50),
]


def seed(apps, schema_editor):
    Item = apps.get_model("support", "EquipmentItem")
    for en, es, vi, position in ITEMS:
        Item.objects.get_or_create(
            name_en=en, defaults={"name_es": es, "name_vi": vi, "position": position}
        )


def grant(apps, schema_editor):
    using = schema_editor.connection.alias
    create_permissions(global_apps.get_app_config("support"), verbosity=0, using=using, apps=apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    technician, _ = Group.objects.using(using).get_or_create(name="Technician")
    technician.permissions.add(
        *Permission.objects.using(using).filter(
            content_type__app_label="support",
            codename__in=["view_equipmentitem", "view_handedout"],
        )
    )


class Migration(migrations.Migration):
    dependencies = [("support", "0005_equipment")]
    operations = [
        migrations.RunPython(seed, migrations.RunPython.noop),
        migrations.RunPython(grant, migrations.RunPython.noop),
    ]
