"""Files and services for GIS teams: layer export (GeoJSON, GeoPackage, Shapefile, CSV) and the OGC API.

Owns what leaves the app as data. May import ``geo``, ``layers`` and the app's common modules
(``app.settings``, ``app.messages``); never the web pages, the renderer or the serving code.
"""
