"""Attachments in the admin site: a read-only listing (DESIGN §10). The file and its SHA-256 are evidence
recorded in the audit chain: nobody changes or replaces them here, and nobody adds one past the checks of
documents.attachments. Registered from DocumentsConfig.ready() (documents/admin.py is the documents' own)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .attachments import human_size
from .models import Attachment


@admin.register(Attachment)
class AttachmentAdmin(admin.ModelAdmin):
    list_display = ["id", "title", "category", "owner_type", "owner_id", "content_type", "size_text",
                    "short_sha256", "uploaded_by", "uploaded_at"]
    list_filter = ["category", "owner_type", "content_type"]
    search_fields = ["title", "original_name", "sha256"]
    date_hierarchy = "uploaded_at"
    readonly_fields = [f.name for f in Attachment._meta.fields]

    @admin.display(description=_("size"))
    def size_text(self, obj):
        return human_size(obj.size)

    @admin.display(description="SHA-256")
    def short_sha256(self, obj):
        return obj.sha256[:12]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
