from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        # Registers the system check that the sign-in's one backend is the configured one.
        from accounts import authentication  # noqa: F401
