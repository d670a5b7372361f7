"""Code that writes files, makes one executable and commits them with git."""
