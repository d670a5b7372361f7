"""Functions wrapped in decorators: a retry with back-off and a timing log."""
