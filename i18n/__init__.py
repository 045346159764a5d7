"""French and English: message catalogs (gettext) and locale formats (Babel) for what users read."""
