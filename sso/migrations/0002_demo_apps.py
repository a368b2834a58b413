"""The launchpad's apps: the portal's earlier app tiles moved here, or, on a new
database, a few demo apps that administrators edit or replace in the admin."""

from django.db import migrations

ROLE_FIELDS = {
    "for_students": "student",
    "for_teachers": "teacher",
    "for_staff": "staff",
    "for_administrators": "administrator",
}
COPIED = [
    "name", "name_es", "name_vi", "description", "description_es", "description_vi",
    "icon_letter", "icon_color", "position", "is_active",
]

DEMO_APPS = [
    {
        "name": "Email", "name_es": "Correo electrónico", "name_vi": "Email",
        "description": "Your district email.",
        "description_es": "Su correo electrónico del distrito.",
        "description_vi": "Email của học khu.",
        "launch_url": "https://mail.example.org/", "icon_letter": "E", "icon_color": "blue",
        "position": 10,
    },
    {
        "name": "Classroom", "name_es": "Aula", "name_vi": "Lớp học",
        "description": "Assignments and messages from your teachers.",
        "description_es": "Tareas y mensajes de sus maestros.",
        "description_vi": "Bài tập và tin nhắn từ giáo viên.",
        "launch_url": "https://classroom.example.org/", "icon_letter": "C",
        "icon_color": "green", "position": 20,
    },
    {
        "name": "Library", "name_es": "Biblioteca", "name_vi": "Thư viện",
        "description": "Books, e-books and research databases.",
        "description_es": "Libros, libros electrónicos y bases de datos de investigación.",
        "description_vi": "Sách, sách điện tử và cơ sở dữ liệu nghiên cứu.",
        "launch_url": "https://library.example.org/", "icon_letter": "L",
        "icon_color": "purple", "position": 30,
    },
    {
        "name": "Technology Support Center",
        "name_es": "Centro de Soporte Tecnológico",
        "name_vi": "Trung tâm Hỗ trợ Công nghệ",
        "description": "Enter a technology work order (t-ticket) and read the knowledge base.",
        "description_es": "Cree una orden de trabajo de tecnología y consulte la base de conocimientos.",
        "description_vi": "Gửi yêu cầu hỗ trợ công nghệ và đọc cơ sở kiến thức.",
        "launch_url": "/support/", "icon_letter": "T", "icon_color": "teal",
        "roles": ["teacher", "staff", "administrator"], "position": 40,
    },
]


def seed(apps, schema_editor):
    App = apps.get_model("sso", "App")
    if App.objects.exists():
        return
    try:
        AppTile = apps.get_model("portal", "AppTile")
    except LookupError:  # after the tiles' table is gone (a test restoring seed rows)
        AppTile = None
    tiles = list(AppTile.objects.all()) if AppTile is not None else []
    if not tiles:
        for app in DEMO_APPS:
            App.objects.create(**app)
        return
    for tile in tiles:
        roles = [role for field, role in ROLE_FIELDS.items() if getattr(tile, field)]
        copied = {field: getattr(tile, field) for field in COPIED}
        if not roles:  # a tile for no role was seen by nobody; an empty list is everyone
            copied["is_active"] = False
        App.objects.create(
            launch_url=tile.url,
            roles=[] if len(roles) == len(ROLE_FIELDS) else roles,
            **copied,
        )


class Migration(migrations.Migration):
    dependencies = [("sso", "0001_initial"), ("portal", "0002_demo_tiles")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
