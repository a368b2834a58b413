"""Seed the challenge-question catalog (administrators can edit it in the admin).

Questions whose answers a child can remember for years and a classmate cannot
look up; phrased with the informal "tú" (Spanish) and "bạn" (Vietnamese) that the
district uses with students."""

from django.db import migrations

QUESTIONS = [
    (
        "What was the name of your first pet?",
        "¿Cómo se llamaba tu primera mascota?",
        "Tên con vật nuôi đầu tiên của bạn là gì?",
    ),
    (
        "What was the name of your first teacher?",
        "¿Cómo se llamaba tu primer maestro o maestra?",
        "Tên giáo viên đầu tiên của bạn là gì?",
    ),
    (
        "What is the name of the street you lived on in first grade?",
        "¿Cómo se llamaba la calle donde vivías cuando estabas en primer grado?",
        "Khi học lớp một, bạn sống trên con đường tên là gì?",
    ),
    (
        "In what city was your mother born?",
        "¿En qué ciudad nació tu madre?",
        "Mẹ của bạn sinh ra ở thành phố nào?",
    ),
    (
        "What is the middle name of your oldest cousin?",
        "¿Cuál es el segundo nombre de tu primo o prima mayor?",
        "Tên đệm của người anh chị em họ lớn tuổi nhất của bạn là gì?",
    ),
    (
        "What was the name of your favorite stuffed animal or toy?",
        "¿Cómo se llamaba tu peluche o juguete favorito?",
        "Thú nhồi bông hoặc đồ chơi yêu thích của bạn tên là gì?",
    ),
    (
        "What is the first name of your best friend from childhood?",
        "¿Cuál es el nombre de tu mejor amigo o amiga de la infancia?",
        "Tên của người bạn thân nhất thời thơ ấu của bạn là gì?",
    ),
    (
        "What is your favorite food?",
        "¿Cuál es tu comida favorita?",
        "Món ăn yêu thích của bạn là gì?",
    ),
    (
        "What is the title of your favorite book?",
        "¿Cuál es el título de tu libro favorito?",
        "Tên cuốn sách yêu thích của bạn là gì?",
    ),
    (
        "In what town or city do (or did) your grandparents live?",
        "¿En qué pueblo o ciudad viven (o vivían) tus abuelos?",
        "Ông bà của bạn đang sống (hoặc đã từng sống) ở thị trấn hay thành phố nào?",
    ),
    (
        "What is your favorite sport or game?",
        "¿Cuál es tu deporte o juego favorito?",
        "Môn thể thao hoặc trò chơi yêu thích của bạn là gì?",
    ),
]


def seed(apps, schema_editor):
    ChallengeQuestion = apps.get_model("accounts", "ChallengeQuestion")
    for position, (en, es, vi) in enumerate(QUESTIONS, start=1):
        ChallengeQuestion.objects.get_or_create(
            text_en=en, defaults={"text_es": es, "text_vi": vi, "position": position * 10}
        )


def unseed(apps, schema_editor):
    ChallengeQuestion = apps.get_model("accounts", "ChallengeQuestion")
    ChallengeQuestion.objects.filter(text_en__in=[en for en, _, _ in QUESTIONS]).delete()


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
