"""A facade that delegates unknown attributes to the object it wraps."""
