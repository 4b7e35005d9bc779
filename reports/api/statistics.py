"""The reports API: statistics (stub; filled by issue 16)."""

urlpatterns = []
