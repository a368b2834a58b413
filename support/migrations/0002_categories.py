"""The letter's kinds of work order; IT staff edit or add to them in the admin."""

from django.db import migrations

CATEGORIES = [
    ("technical", "Technical difficulty", "Dificultad técnica", "Sự cố kỹ thuật", 10),
    ("access", "Access", "Acceso", "Quyền truy cập", 20),
    ("equipment", "Equipment", "Equipo", "Thiết bị", 30),
    ("account-reset", "Account reset", "Restablecer cuenta", "Đặt lại tài khoản", 40),
    ("other", "Other", "Otro", "Khác", 50),
]


def seed(apps, schema_editor):
    Category = apps.get_model("support", "Category")
    for code, en, es, vi, position in CATEGORIES:
        Category.objects.get_or_create(
            code=code,
            defaults={"name_en": en, "name_es": es, "name_vi": vi, "position": position},
        )


class Migration(migrations.Migration):
    dependencies = [("support", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
