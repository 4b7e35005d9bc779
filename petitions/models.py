"""The data of the petitions app (models stay data: no services, pages or flows imported here)."""
