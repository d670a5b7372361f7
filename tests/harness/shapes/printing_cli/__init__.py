"""A command-line tool whose output is what it prints."""
