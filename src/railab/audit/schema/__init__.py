"""Versioned JSON Schemas of audit results (a package so that its data files ship)."""
