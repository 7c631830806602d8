"""The asset domain: storage backends, ingest, metadata and renditions, and the
writer that puts the credit into every download (``assets.embed``).

Nothing here imports Flask. Callers hand in plain values (paths, streams,
settings dataclasses) so the web app, the command line, background workers and
tests all use the same code.
"""
