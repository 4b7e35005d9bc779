"""The reports API (CONTRACT §9), mounted under /api/v1/ by config/api_urls.py.

One module per part, each with its own `urlpatterns`: `rule_of_law` (/reports/rule-of-law/{year}/ and .docx),
`statistics` (/reports/enforcement-statistics/{year}/ and .xlsx), `supervision` (/supervision/).
"""

from . import rule_of_law, statistics, supervision

urlpatterns = [*rule_of_law.urlpatterns, *statistics.urlpatterns, *supervision.urlpatterns]
