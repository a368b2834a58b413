from django.conf import settings
from django.contrib.auth.hashers import Argon2PasswordHasher


class OwaspArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2id with OWASP's parameters (m=19 MiB, t=2, p=1 by default), from settings.

    A distinct algorithm name would orphan existing hashes; Django's own "argon2"
    name is kept so that changing the cost re-hashes on the next sign-in
    (must_update compares parameters).

    The cost is read from settings whenever a password is hashed or a stored hash is
    compared with it, not once when the module is imported: Django keeps one hasher
    instance per process, and a cost changed with override_settings (the test suite
    hashes at a trivial cost, and restores this one where the cost is what a test is
    about) must reach it.

    django-stubs type these three as plain attributes, which Django only ever reads;
    read-only properties are what they are here, hence the ignores."""

    @property
    def time_cost(self) -> int:  # type: ignore[override]
        return int(settings.ARGON2_TIME_COST)

    @property
    def memory_cost(self) -> int:  # type: ignore[override]
        return int(settings.ARGON2_MEMORY_COST_KIB)

    @property
    def parallelism(self) -> int:  # type: ignore[override]
        return int(settings.ARGON2_PARALLELISM)
