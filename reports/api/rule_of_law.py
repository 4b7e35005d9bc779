"""The reports API: rule_of_law (stub; filled by issue 16)."""

urlpatterns = []
