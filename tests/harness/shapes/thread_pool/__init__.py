"""Code that fans work out to a thread pool and to a thread of its own."""
