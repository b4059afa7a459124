"""JSON Schemas of the instrument format and of answer documents (a package so they ship)."""
