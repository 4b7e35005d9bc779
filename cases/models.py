"""Enforcement cases (DESIGN §3) — built in the enforcement-case issue on the shared workflows machinery."""
