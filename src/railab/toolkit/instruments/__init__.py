"""The instruments railab ships (a package so that its YAML files ship with the wheel)."""
