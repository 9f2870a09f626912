"""Writes of the supervision app, one module per topic; every write is one transaction."""
