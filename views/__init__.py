"""The views, described once for pages and reports: registry, filter model, labels, formats."""
