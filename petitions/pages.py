"""The petitions pages of the web UI (viewflow Application), thin views over the services and selectors."""
