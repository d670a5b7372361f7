"""A note book kept as Markdown files in a git repository."""
