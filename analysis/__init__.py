"""Pure functions over text and tables: brand queries, language, sentiment, terms, trends."""
