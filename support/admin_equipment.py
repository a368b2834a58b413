"""The equipment catalog IT staff edit, and what was handed out to whom."""

from __future__ import annotations

from django.contrib import admin

from support.models import EquipmentItem, HandedOut


@admin.register(EquipmentItem)
class EquipmentItemAdmin(admin.ModelAdmin[EquipmentItem]):
    list_display = ["name_en", "is_active", "position"]
    list_editable = ["is_active", "position"]


@admin.register(HandedOut)
class HandedOutAdmin(admin.ModelAdmin[HandedOut]):
    list_display = ["person", "item", "asset_tag", "serial_number", "handed_out_at"]
    list_select_related = ["person", "item"]
    search_fields = ["asset_tag", "serial_number", "person__username"]
    raw_id_fields = ["person", "request", "handed_out_by"]
