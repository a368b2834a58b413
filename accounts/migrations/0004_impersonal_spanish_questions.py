"""The seeded challenge questions in Spanish, reworded without "tú": the pages
around them address the reader as "usted", and a question worded impersonally
("Nombre de la primera mascota") fits the student answering and the page alike.
Only questions still worded as seeded change; a district's own edits stay."""

from django.db import migrations

# (seeded wording, impersonal wording), matched on the English text.
REWORDED = {
    "What was the name of your first pet?": (
        "¿Cómo se llamaba tu primera mascota?",
        "Nombre de la primera mascota",
    ),
    "What was the name of your first teacher?": (
        "¿Cómo se llamaba tu primer maestro o maestra?",
        "Nombre del primer maestro o maestra",
    ),
    "What is the name of the street you lived on in first grade?": (
        "¿Cómo se llamaba la calle donde vivías cuando estabas en primer grado?",
        "Nombre de la calle donde vivía en primer grado",
    ),
    "In what city was your mother born?": (
        "¿En qué ciudad nació tu madre?",
        "Ciudad donde nació la madre",
    ),
    "What is the middle name of your oldest cousin?": (
        "¿Cuál es el segundo nombre de tu primo o prima mayor?",
        "Segundo nombre del primo o prima mayor",
    ),
    "What was the name of your favorite stuffed animal or toy?": (
        "¿Cómo se llamaba tu peluche o juguete favorito?",
        "Nombre del peluche o juguete favorito",
    ),
    "What is the first name of your best friend from childhood?": (
        "¿Cuál es el nombre de tu mejor amigo o amiga de la infancia?",
        "Nombre del mejor amigo o amiga de la infancia",
    ),
    "What is your favorite food?": ("¿Cuál es tu comida favorita?", "Comida favorita"),
    "What is the title of your favorite book?": (
        "¿Cuál es el título de tu libro favorito?",
        "Título del libro favorito",
    ),
    "In what town or city do (or did) your grandparents live?": (
        "¿En qué pueblo o ciudad viven (o vivían) tus abuelos?",
        "Pueblo o ciudad donde viven (o vivían) los abuelos",
    ),
    "What is your favorite sport or game?": (
        "¿Cuál es tu deporte o juego favorito?",
        "Deporte o juego favorito",
    ),
}


def reword(apps, schema_editor, forwards=True):
    ChallengeQuestion = apps.get_model("accounts", "ChallengeQuestion")
    for english, (seeded, impersonal) in REWORDED.items():
        old, new = (seeded, impersonal) if forwards else (impersonal, seeded)
        ChallengeQuestion.objects.filter(text_en=english, text_es=old).update(text_es=new)


def unreword(apps, schema_editor):
    reword(apps, schema_editor, forwards=False)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_roles")]

    operations = [migrations.RunPython(reword, unreword)]
