"""The web map's pages (Dash): one module per feature, the view state in the address and the server-drawn first view.

Each feature module (``page``, ``mapview``, ``layers_panel``, ``indicator_panel``, ``compare``,
``feature_info``, ``drilldown``, ``search``, ``upload``, ``downloads``) builds its components and
declares its callbacks beside their functions (``wiring.Callbacks``); ``dashapp.create_dash``
attaches them. Owns what a person sees and clicks in the browser. May import ``geo``, ``layers``, the app's common
modules (``app.settings``, ``app.i18n``, ``app.messages``, ``app.jobs``) and the public faces of
``app.render`` and ``app.export`` (their package names, never their modules).
"""
