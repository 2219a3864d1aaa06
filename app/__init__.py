"""Everything a person or a program touches: the web map, print, export and the OGC API, serving, the CLI.

Subpackages by concern (``docs/ARCHITECTURE.md`` has the map and the import rules that
``[tool.importlinter]`` in ``pyproject.toml`` enforces): ``web`` (the Dash pages), ``render``
(print and the offline HTML map), ``export`` (files and the OGC API), ``serve`` (HTTP and operations),
``cli`` (the ``hubei-map`` command). Beside them the common modules every package may use:
``settings`` (configuration and environment variables), ``i18n`` (interface words in both
languages), ``messages`` (how refused values are quoted) and ``jobs`` (heavy work in a job process).
"""
