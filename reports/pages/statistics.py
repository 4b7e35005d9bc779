"""Pages of the reports app: statistics (stub; filled by issue 16)."""

urlpatterns = []
