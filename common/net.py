from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """The client's address. Behind a proxy, configure it to set REMOTE_ADDR
    (e.g. gunicorn --forwarded-allow-ips); X-Forwarded-For is not trusted here
    because any client can forge it to dodge per-IP throttles."""
    return str(request.META.get("REMOTE_ADDR", "") or "unknown")


def user_agent(request: HttpRequest) -> str:
    return str(request.META.get("HTTP_USER_AGENT", ""))[:512]
