"""The page a signed-in person is kept on until they accept a new version of the
Acceptable Use Policy, or decline it and are signed out
(accounts.middleware.PolicyAcceptanceMiddleware sends them here)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect

from accounts import acceptable_use
from accounts import login as login_service
from accounts.forms_policy import PolicyAcceptanceForm
from accounts.languages import keep_language_cookie
from accounts.models import Account
from accounts.views_auth import safe_next
from common.context_processors import district_settings


@never_cache
@csrf_protect
@login_required
def policy_view(request: HttpRequest) -> HttpResponse:
    account = request.user
    assert isinstance(account, Account)
    next_url = safe_next(request) or resolve_url(settings.LOGIN_REDIRECT_URL)
    policy = acceptable_use.pending_policy(request)
    if policy is None:  # nothing to accept (already done, or withdrawn meanwhile)
        request.session.pop(acceptable_use.PENDING_SESSION_KEY, None)
        return HttpResponseRedirect(next_url)
    language = get_language() or settings.LANGUAGE_CODE
    if request.method == "POST" and request.POST.get("decision") == "decline":
        acceptable_use.do_decline_policy(request, account, policy)
        login_service.do_logout(request)
        contacts = district_settings(language)
        messages.error(
            request,
            _(
                "You did not agree to the Acceptable Use Policy, so you have been signed "
                "out. You must agree to it to use the portal. Questions? Contact the "
                "%(center)s: %(phone)s, %(email)s."
            )
            % {
                "center": contacts["support_center_name"],
                "phone": contacts["help_phone"],
                "email": contacts["help_email"],
            },
        )
        response = redirect(settings.LOGOUT_REDIRECT_URL)
        keep_language_cookie(response, language)
        return response
    form = PolicyAcceptanceForm(
        request.POST or None,
        guardian_note=acceptable_use.needs_guardian_note(policy, account),
    )
    if request.method == "POST" and form.is_valid():
        acceptable_use.do_accept_policy(
            account,
            acceptable_use.PolicyChoice(policy.pk, language, form.has_guardian_note),
            request=request,
        )
        return HttpResponseRedirect(next_url)
    return render(
        request,
        "accounts/policy.html",
        {
            "form": form,
            "policy": policy,
            "policy_html": acceptable_use.policy_html(policy, language),
            "next": safe_next(request),
        },
    )
