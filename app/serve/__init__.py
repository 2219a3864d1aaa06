"""Serving and operations: the WSGI entry, gunicorn configuration, caching headers and the access log.

Owns how the app meets HTTP. It is the top of ``app``: it may import the web pages, the exporters,
the renderer and the common modules; nothing in ``app`` imports it (except the CLI's ``serve``).
"""
