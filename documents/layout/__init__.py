"""Layout of official documents after GB/T 9704-2012: numerals, seal, content and HTML."""
