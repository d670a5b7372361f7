"""A ``__slots__`` class whose state is read and written through properties."""
