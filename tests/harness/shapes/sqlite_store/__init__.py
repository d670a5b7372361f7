"""Code that keeps its data in a sqlite3 database file."""
