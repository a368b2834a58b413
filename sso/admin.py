"""The app registry in the admin: IT administrators register apps, with an OpenID
Connect client created with the app or as a plain link, and assign them."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern
from django.utils.translation import gettext_lazy as _
from oauth2_provider.validators import AllowedURIValidator

from accounts.models import Account
from common.uploads import accepts_file_uploads
from directory.models import Person
from sso import services
from sso.icons import Icon, read_icon
from sso.models import App, DataSet

LINK = "link"
PUBLIC = "public"
CONFIDENTIAL = "confidential"
CREDENTIALS_ATTRIBUTE = "sso_client_credentials"


def _lines(value: str) -> list[str]:
    return [line.strip() for line in value.split() if line.strip()]


class AppForm(forms.ModelForm[App]):
    roles = forms.MultipleChoiceField(
        label=_("roles"), choices=Person.Role.choices, required=False,
        widget=forms.CheckboxSelectMultiple, help_text=_("None ticked: every role."),
    )
    grades = forms.CharField(
        label=_("grades"), required=False,
        help_text=_("As the student information system writes them, separated by commas "
                    "(KG, 01, 02…). Empty: every grade."),
    )
    data_sets = forms.MultipleChoiceField(
        label=_("data it receives"), choices=DataSet.choices, required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    icon_upload = forms.FileField(
        label=_("icon image"), required=False,
        help_text=_("PNG, JPEG or WebP, square, at most 256 KB."),
    )
    remove_icon = forms.BooleanField(label=_("remove the icon image"), required=False)
    sign_in = forms.ChoiceField(
        label=_("sign-in"),
        choices=[
            (LINK, _("A plain link (the app has its own sign-in)")),
            (PUBLIC, _("Single sign-on, public client (runs in the browser or on a device; "
                       "PKCE, no secret)")),
            (CONFIDENTIAL, _("Single sign-on, confidential client (runs on a server; "
                             "a client secret)")),
        ],
        initial=LINK,
    )
    redirect_uris = forms.CharField(
        label=_("redirect addresses"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line, exactly as the app sends them."),
    )
    post_logout_redirect_uris = forms.CharField(
        label=_("addresses after sign-out"), required=False,
        widget=forms.Textarea(attrs={"rows": 2}), help_text=_("One per line."),
    )

    class Meta:
        model = App
        fields = [
            "name", "description", "launch_url", "position", "is_active",
            "name_es", "description_es", "name_vi", "description_vi",
            "icon_letter", "icon_color", "roles", "schools", "grades", "data_sets", "approved",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        app = self.instance
        self.initial["grades"] = ", ".join(app.grades)
        client = app.oidc_client if app.pk else None
        if client is not None:
            self.initial["sign_in"] = (
                CONFIDENTIAL if client.client_type == client.CLIENT_CONFIDENTIAL else PUBLIC
            )
            self.initial["redirect_uris"] = "\n".join(client.redirect_uris.split())
            self.initial["post_logout_redirect_uris"] = "\n".join(
                client.post_logout_redirect_uris.split()
            )

    def clean_grades(self) -> list[str]:
        value: str = self.cleaned_data["grades"]
        return [grade.strip() for grade in value.split(",") if grade.strip()]

    def clean_icon_upload(self) -> Icon | None:
        upload = self.cleaned_data.get("icon_upload")
        return read_icon(upload) if upload else None

    def _clean_addresses(self, field: str) -> list[str]:
        validator = AllowedURIValidator(
            settings.OAUTH2_PROVIDER["ALLOWED_REDIRECT_URI_SCHEMES"], name=str(_("address")),
            allow_path=True, allow_query=True,
        )
        addresses = _lines(self.cleaned_data.get(field, ""))
        for address in addresses:
            try:
                validator(address)
            except ValidationError as error:
                self.add_error(field, error)
        return addresses

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("sign_in", LINK) != LINK:
            cleaned["redirect_uris"] = self._clean_addresses("redirect_uris")
            cleaned["post_logout_redirect_uris"] = self._clean_addresses(
                "post_logout_redirect_uris"
            )
            if not cleaned["redirect_uris"] and not self.has_error("redirect_uris"):
                self.add_error("redirect_uris", _("Single sign-on needs a redirect address."))
        return cleaned


@admin.register(App)
class AppAdmin(admin.ModelAdmin[App]):
    form = AppForm
    list_display = ["name", "launch_url", "position", "is_active", "approved", "sign_in_kind"]
    list_editable = ["position", "is_active"]
    list_filter = ["is_active", "approved"]
    search_fields = ["name", "launch_url"]
    filter_horizontal = ["schools"]
    readonly_fields = ["client_id"]
    actions = ["new_client_secret"]

    def get_urls(self) -> list[URLPattern]:
        """The add and change pages take the icon as a file (common.uploads)."""
        return [
            URLPattern(url.pattern, accepts_file_uploads(url.callback), url.default_args, url.name)
            if str(url.name).endswith(("_add", "_change"))
            else url
            for url in super().get_urls()
        ]

    fieldsets = [
        (None, {"fields": ["name", "description", "launch_url", "position", "is_active"]}),
        (_("Translations"), {"fields": ["name_es", "description_es", "name_vi", "description_vi"]}),
        (_("Icon"), {"fields": ["icon_upload", "remove_icon", "icon_letter", "icon_color"]}),
        (_("Who sees it"), {"fields": ["roles", "schools", "grades"]}),
        (_("Sign-in and data"), {"fields": [
            "sign_in", "client_id", "redirect_uris", "post_logout_redirect_uris",
            "data_sets", "approved",
        ]}),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[App]:
        return super().get_queryset(request).defer("icon").select_related("oidc_client")

    @admin.display(description=_("sign-in"))
    def sign_in_kind(self, app: App) -> str:
        if app.oidc_client is None:
            return str(_("Plain link"))
        return str(_("Single sign-on"))

    @admin.display(description=_("client ID"))
    def client_id(self, app: App) -> str:
        return app.oidc_client.client_id if app.oidc_client is not None else "—"

    def save_model(self, request: HttpRequest, obj: App, form: forms.Form, change: bool) -> None:
        data = form.cleaned_data
        icon: Icon | None = data.get("icon_upload")
        if icon is not None:
            obj.icon, obj.icon_type, obj.icon_version = icon.data, icon.content_type, icon.version
        elif data.get("remove_icon"):
            obj.icon, obj.icon_type, obj.icon_version = b"", "", ""
        super().save_model(request, obj, form, change)
        if data["sign_in"] == LINK:
            services.do_remove_oidc_client(obj)
            return
        credentials = services.do_save_oidc_client(
            obj,
            services.ClientSettings(
                confidential=data["sign_in"] == CONFIDENTIAL,
                redirect_uris=tuple(data["redirect_uris"]),
                post_logout_redirect_uris=tuple(data["post_logout_redirect_uris"]),
            ),
        )
        setattr(request, CREDENTIALS_ATTRIBUTE, credentials)

    def _credentials_page(self, request: HttpRequest, obj: App) -> HttpResponse | None:
        credentials = getattr(request, CREDENTIALS_ATTRIBUTE, None)
        if credentials is None:
            return None
        response = TemplateResponse(request, "sso/admin/client_credentials.html", {
            **self.admin_site.each_context(request),
            "app": obj, "credentials": credentials, "title": _("The app's client secret"),
        })
        response["Cache-Control"] = "no-store"
        return response

    @admin.action(description=_("Replace the client secret"), permissions=["change"])
    def new_client_secret(
        self, request: HttpRequest, queryset: QuerySet[App]
    ) -> HttpResponse | None:
        """One app at a time, after a confirmation page: the old secret stops working
        at once, and the new one is shown on the next page only."""
        apps = list(queryset[:2])
        if len(apps) != 1 or not services.has_client_secret(apps[0]):
            self.message_user(
                request,
                _("Choose one app with a confidential client: its new secret is shown once."),
                messages.WARNING,
            )
            return None
        app = apps[0]
        if request.POST.get("confirmed") != "yes":
            return TemplateResponse(request, "sso/admin/new_client_secret_confirm.html", {
                **self.admin_site.each_context(request),
                "app": app, "opts": self.opts, "action_checkbox_name": ACTION_CHECKBOX_NAME,
                "title": _("Replace the client secret of %(app)s?") % {"app": app.name},
            })
        assert isinstance(request.user, Account)  # the admin lets only staff in
        credentials = services.do_new_client_secret(app, acting_user=request.user, request=request)
        setattr(request, CREDENTIALS_ATTRIBUTE, credentials)
        return self._credentials_page(request, app)

    def response_add(
        self, request: HttpRequest, obj: App, post_url_continue: str | None = None
    ) -> HttpResponse:
        page = self._credentials_page(request, obj)
        return page or super().response_add(request, obj, post_url_continue)

    def response_change(self, request: HttpRequest, obj: App) -> HttpResponse:
        return self._credentials_page(request, obj) or super().response_change(request, obj)
