"""Code that stamps records with clocks, process ids and uuids."""
