"""The shared web layer (DESIGN §13): what every app's pages and API share, and what spans apps.

- pages.py: the page mixin (login, viewflow's menu), refusals beside the fields, the Turbo status;
- transitions.py: one form per transition, fired through workflows.services.fire_transition; the buttons;
- state_chart.py, history.py, deadlines.py: the state chart, the history rows, the deadlines card;
- inbox.py (the query), home.py (我的待办, the landing page), overview.py and charts.py (the leaders' overview);
- api.py: the API's error format, the transition endpoint, the inbox, `me`, users;
- templates/web/: the base page and the shared cards; templatetags/: the bell and the deadline actions.

It imports the apps' models, services and selectors, never their pages or API (checked by import-linter,
pyproject.toml `[tool.importlinter]`); each app's pages import from here.
"""
