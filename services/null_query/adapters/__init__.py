"""Adapters of heavy or optional libraries (imported only when chosen)."""
