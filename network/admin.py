"""Admin of the network's registers. The pages and the API are the way to keep them (their services check the
roles and the rules); the admin is for corrections and keeps the two register rules all the same: a contract
ends on or after it starts, and one adviser per village at a time (local practice of 一村（社区）一法律顾问)."""

from django import forms
from django.contrib import admin

from workflows.errors import in_active_language

from .models import Activity, LegalAdviser, LegalLiterate
from .services import END_BEFORE_START, OVERLAP, overlapping_contract


class LegalAdviserAdminForm(forms.ModelForm):
    class Meta:
        model = LegalAdviser
        fields = ["village", "name", "firm", "phone", "contract_start", "contract_end"]

    def clean(self):
        data = super().clean()
        village, start, end = data.get("village"), data.get("contract_start"), data.get("contract_end")
        if start and end and end < start:
            self.add_error("contract_end", END_BEFORE_START)
        elif village and start and end:
            other = overlapping_contract(village, start, end, exclude_pk=self.instance.pk)
            if other is not None:
                self.add_error("contract_start", in_active_language(str(OVERLAP).format(
                    village=village.name, name=other.name, start=other.contract_start, end=other.contract_end)))
        return data


@admin.register(LegalAdviser)
class LegalAdviserAdmin(admin.ModelAdmin):
    form = LegalAdviserAdminForm
    list_display = ("village", "name", "firm", "contract_start", "contract_end")
    list_filter = ("village",)
    search_fields = ("name", "firm", "village__name")


@admin.register(LegalLiterate)
class LegalLiterateAdmin(admin.ModelAdmin):
    list_display = ("village", "name", "trained_on")
    list_filter = ("village",)
    search_fields = ("name", "village__name")
    exclude = ("created_by",)


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin):
    list_display = ("held_on", "kind", "title", "village", "attendance")
    list_filter = ("kind", "village")
    search_fields = ("title", "campaign")
    date_hierarchy = "held_on"
    exclude = ("created_by",)
