"""`python -m i18n compile`: compile the .po catalogs to .mo (`make setup` runs it)."""

import sys

from i18n.catalog import compile_catalogs

if len(sys.argv) != 2 or sys.argv[1] != "compile":
    print("usage: python -m i18n compile", file=sys.stderr)
    sys.exit(2)
for path in compile_catalogs():
    print(f"compiled {path}")
