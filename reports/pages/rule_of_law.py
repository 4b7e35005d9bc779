"""Pages of the reports app: rule_of_law (stub; filled by issue 16)."""

urlpatterns = []
