"""The data of the mediation app (models stay data: no services, pages or flows imported here)."""
