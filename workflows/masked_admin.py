"""The admin never shows a person's full ID number or phone (issue 17 item 4, 个人信息保护法 Art 51; the full values
are read through the audited reveal of the object's page, workflows.personal_data).

MaskedPersonalDataInline, for an inline of people (petitioners, the parties to a mediation): a change form shows
each of `masked_fields` as an empty box with the masked value as its placeholder — typing a new value replaces the
recorded one, leaving the box empty keeps it (so the admin can still correct what was typed at registration, but
cannot empty the field; 本地做法). A user with view permission only sees the masked values.
"""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .masking import mask_id, mask_phone

MASKS = {"id_number": mask_id, "phone": mask_phone}
KEEP_HINT = _("Shown masked. Type a new value to replace it; leave empty to keep the recorded one.")


class MaskedPersonalDataForm(forms.ModelForm):
    masked_fields = tuple(MASKS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.masked_fields:
            field = self.fields.get(name)
            stored = getattr(self.instance, name, "") if self.instance.pk else ""
            if field is None or not stored:
                continue
            self.initial[name] = ""  # never rendered, and an untouched box is no change
            field.required = False
            field.widget.attrs["placeholder"] = MASKS[name](stored)
            field.help_text = KEEP_HINT

    def clean(self):
        cleaned = super().clean()
        for name in self.masked_fields:
            if name in self.fields and self.instance.pk and not (cleaned.get(name) or "").strip():
                cleaned[name] = getattr(self.instance, name)
        return cleaned


class MaskedPersonalDataInline(admin.TabularInline):
    """An inline whose people's `id_number` and `phone` are never shown in full (see the module)."""

    form = MaskedPersonalDataForm

    def get_fields(self, request, obj=None):
        fields = list(super().get_fields(request, obj))
        if self.has_change_permission(request, obj):
            return fields
        return [f"masked_{name}" if name in MASKS else name for name in fields]

    def get_readonly_fields(self, request, obj=None):
        readonly = tuple(super().get_readonly_fields(request, obj))
        if self.has_change_permission(request, obj):
            return readonly
        return readonly + tuple(f"masked_{name}" for name in MASKS)

    @admin.display(description=_("ID number"))
    def masked_id_number(self, person):
        return mask_id(person.id_number)

    @admin.display(description=_("Phone"))
    def masked_phone(self, person):
        return mask_phone(person.phone)
