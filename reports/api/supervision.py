"""The reports API: supervision (stub; filled by issue 16)."""

urlpatterns = []
