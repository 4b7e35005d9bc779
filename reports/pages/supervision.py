"""Pages of the reports app: supervision (stub; filled by issue 16)."""

urlpatterns = []
