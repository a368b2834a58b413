"""The knowledge base's first articles: the ones the login, claim and help pages link
to ("How do I log in", "What happens when I forget my password"), readable without
signing in. Technicians edit them, and add others, in the admin."""

from django.db import migrations

from common.markdown import render_markdown

LOG_IN = {
    "en": ("How do I log in and prevent future login issues?", """\
1. Go to the portal's **Sign in** page.
2. Type your **username**. Student usernames begin with the letter **S** and a zero,
   followed by the student ID number (for example `S0123456`). Employee usernames
   begin with **e** and the six-digit employee ID.
3. Type your **password**. Passwords are case sensitive: check that Caps Lock is off.

If you see **Authentication Failed**:

- Check the username and the password again.
- On a shared or family computer, clear the browser history and cache
  (Ctrl+Shift+Delete or Command+Shift+Delete), make sure nobody else is signed in to
  the browser, or use a private (incognito) window.
- After 5 failed attempts the account waits 15 minutes before it can sign in again.

Have you claimed your account? A new account must be claimed first
(**Claim My Account** on the sign-in page).
"""),
    "es": ("¿Cómo inicio sesión y evito problemas en el futuro?", """\
1. Vaya a la página **Iniciar sesión** del portal.
2. Escriba su **nombre de usuario**. Los nombres de usuario de los estudiantes empiezan
   con la letra **S** y un cero, seguidos del número de identificación del estudiante
   (por ejemplo `S0123456`). Los de los empleados empiezan con **e** y el número de
   empleado de seis dígitos.
3. Escriba su **contraseña**. Las contraseñas distinguen mayúsculas y minúsculas:
   compruebe que Bloq Mayús está desactivado.

Si aparece **Error de autenticación**:

- Revise otra vez el nombre de usuario y la contraseña.
- En una computadora compartida o familiar, borre el historial y la caché del
  navegador (Ctrl+Shift+Supr o Command+Shift+Delete), asegúrese de que nadie más haya
  iniciado sesión en el navegador o use una ventana privada (incógnito).
- Después de 5 intentos fallidos, la cuenta espera 15 minutos antes de poder iniciar
  sesión otra vez.

¿Ya reclamó su cuenta? Una cuenta nueva debe reclamarse primero
(**Reclamar mi cuenta** en la página de inicio de sesión).
"""),
    "vi": ("Làm thế nào để đăng nhập và tránh sự cố đăng nhập?", """\
1. Mở trang **Đăng nhập** của cổng thông tin.
2. Nhập **tên người dùng**. Tên người dùng của học sinh bắt đầu bằng chữ **S** và số
   không, tiếp theo là mã số học sinh (ví dụ `S0123456`). Tên người dùng của nhân viên
   bắt đầu bằng **e** và mã số nhân viên gồm sáu chữ số.
3. Nhập **mật khẩu**. Mật khẩu phân biệt chữ hoa và chữ thường: hãy kiểm tra phím
   Caps Lock đã tắt.

Nếu bạn thấy **Xác thực không thành công**:

- Kiểm tra lại tên người dùng và mật khẩu.
- Trên máy tính dùng chung hoặc của gia đình, hãy xóa lịch sử và bộ nhớ đệm của trình
  duyệt (Ctrl+Shift+Delete hoặc Command+Shift+Delete), bảo đảm không có ai khác đang
  đăng nhập vào trình duyệt, hoặc dùng cửa sổ riêng tư (ẩn danh).
- Sau 5 lần thử không thành công, tài khoản phải chờ 15 phút mới đăng nhập lại được.

Bạn đã nhận tài khoản chưa? Tài khoản mới phải được nhận trước
(**Nhận tài khoản của tôi** trên trang đăng nhập).
"""),
}

FORGOT = {
    "en": ("What happens when I forget my password?", """\
Use **Need help? → Forgot My Password** on the sign-in page:

1. Type your username.
2. Answer the three challenge questions you chose when you claimed your account.
3. Create a new password (at least 8 characters, not one of your last five).

After 5 wrong answers, self-service recovery locks. Then:

- **Students**: ask your teacher. The teacher submits a ticket to have your account
  reset; once it is reset, you complete **Claim My Account** again.
- **Employees**: contact the Technology Support Center.

Forgot your username instead? **Forgot My Username** emails it to your district
email address.
"""),
    "es": ("¿Qué pasa si olvido mi contraseña?", """\
Use **¿Necesita ayuda? → Olvidé mi contraseña** en la página de inicio de sesión:

1. Escriba su nombre de usuario.
2. Responda las tres preguntas de seguridad que eligió al reclamar su cuenta.
3. Cree una contraseña nueva (al menos 8 caracteres, distinta de las últimas cinco).

Después de 5 respuestas incorrectas, la recuperación por su cuenta se bloquea. Entonces:

- **Estudiantes**: pregunten a su maestro. El maestro envía un ticket para restablecer
  su cuenta; una vez restablecida, completen **Reclamar mi cuenta** otra vez.
- **Empleados**: comuníquense con el Centro de Soporte Tecnológico.

¿Olvidó su nombre de usuario? **Olvidé mi nombre de usuario** lo envía a su correo
electrónico del distrito.
"""),
    "vi": ("Điều gì xảy ra khi tôi quên mật khẩu?", """\
Dùng **Cần trợ giúp? → Quên mật khẩu** trên trang đăng nhập:

1. Nhập tên người dùng của bạn.
2. Trả lời ba câu hỏi bảo mật bạn đã chọn khi nhận tài khoản.
3. Tạo mật khẩu mới (ít nhất 8 ký tự, không trùng năm mật khẩu gần nhất).

Sau 5 lần trả lời sai, chức năng tự khôi phục sẽ bị khóa. Khi đó:

- **Học sinh**: hãy hỏi giáo viên. Giáo viên sẽ gửi phiếu hỗ trợ để đặt lại tài khoản
  của bạn; sau khi đặt lại, bạn hoàn tất **Nhận tài khoản của tôi** một lần nữa.
- **Nhân viên**: hãy liên hệ Trung tâm Hỗ trợ Công nghệ.

Quên tên người dùng? **Quên tên người dùng** sẽ gửi tên người dùng đến email học khu
của bạn.
"""),
}

ARTICLES = [("how-do-i-log-in", LOG_IN, 10), ("forgot-password", FORGOT, 20)]


def seed(apps, schema_editor):
    Category = apps.get_model("support", "ArticleCategory")
    Article = apps.get_model("support", "Article")
    Version = apps.get_model("support", "ArticleVersion")
    category, _ = Category.objects.get_or_create(
        name_en="Signing in and your account",
        defaults={"name_es": "Iniciar sesión y su cuenta",
                  "name_vi": "Đăng nhập và tài khoản của bạn", "position": 10},
    )
    for slug, versions, position in ARTICLES:
        article, created = Article.objects.get_or_create(
            slug=slug, defaults={"category": category, "is_public": True, "position": position}
        )
        if not created:
            continue
        for language, (title, body) in versions.items():
            Version.objects.create(
                article=article, language=language, title=title, body_markdown=body,
                body_html=render_markdown(body),
            )


class Migration(migrations.Migration):
    dependencies = [("support", "0007_knowledge_base")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
