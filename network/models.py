"""The data of the network app (models stay data: no services, pages or flows imported here)."""
