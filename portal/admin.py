from django.contrib import admin

from portal.models import AppTile


@admin.register(AppTile)
class AppTileAdmin(admin.ModelAdmin[AppTile]):
    list_display = [
        "name", "url", "position", "is_active",
        "for_students", "for_teachers", "for_staff", "for_administrators",
    ]
    list_editable = ["position", "is_active"]
    list_filter = ["is_active", "for_students", "for_teachers", "for_staff", "for_administrators"]
    search_fields = ["name", "url"]
    fieldsets = [
        (None, {"fields": ["name", "description", "url", "position", "is_active"]}),
        ("Translations", {"fields": ["name_es", "description_es", "name_vi", "description_vi"]}),
        ("Icon", {"fields": ["icon_letter", "icon_color", "icon_url"]}),
        ("Who sees it", {
            "fields": ["for_students", "for_teachers", "for_staff", "for_administrators"]
        }),
    ]
