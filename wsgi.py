"""The WSGI entry point for gunicorn and any WSGI server: ``gunicorn wsgi:app``."""

from brandhub import create_app

app = create_app()
