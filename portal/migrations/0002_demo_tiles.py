"""A few demo tiles; administrators edit or replace them in the admin."""

from django.db import migrations

TILES = [
    {
        "name": "Email", "name_es": "Correo electrónico", "name_vi": "Email",
        "description": "Your district email.",
        "description_es": "Su correo electrónico del distrito.",
        "description_vi": "Email của học khu.",
        "url": "https://mail.example.org/", "icon_letter": "E", "icon_color": "blue",
        "position": 10,
    },
    {
        "name": "Classroom", "name_es": "Aula", "name_vi": "Lớp học",
        "description": "Assignments and messages from your teachers.",
        "description_es": "Tareas y mensajes de sus maestros.",
        "description_vi": "Bài tập và tin nhắn từ giáo viên.",
        "url": "https://classroom.example.org/", "icon_letter": "C", "icon_color": "green",
        "position": 20,
    },
    {
        "name": "Library", "name_es": "Biblioteca", "name_vi": "Thư viện",
        "description": "Books, e-books and research databases.",
        "description_es": "Libros, libros electrónicos y bases de datos de investigación.",
        "description_vi": "Sách, sách điện tử và cơ sở dữ liệu nghiên cứu.",
        "url": "https://library.example.org/", "icon_letter": "L", "icon_color": "purple",
        "position": 30,
    },
    {
        "name": "Technology Support Center",
        "name_es": "Centro de Soporte Tecnológico",
        "name_vi": "Trung tâm Hỗ trợ Công nghệ",
        "description": "Enter a technology work order (t-ticket) and read the knowledge base.",
        "description_es": "Cree una orden de trabajo de tecnología y consulte la base de conocimientos.",
        "description_vi": "Gửi yêu cầu hỗ trợ công nghệ và đọc cơ sở kiến thức.",
        "url": "/support/", "icon_letter": "T", "icon_color": "teal",
        "for_students": False, "position": 40,
    },
]


def add_tiles(apps, schema_editor):
    AppTile = apps.get_model("portal", "AppTile")
    for tile in TILES:
        AppTile.objects.get_or_create(name=tile["name"], defaults=tile)


def remove_tiles(apps, schema_editor):
    AppTile = apps.get_model("portal", "AppTile")
    AppTile.objects.filter(name__in=[t["name"] for t in TILES]).delete()


class Migration(migrations.Migration):
    dependencies = [("portal", "0001_initial")]
    operations = [migrations.RunPython(add_tiles, remove_tiles)]
