"""The web map's pages (Dash): layout, callbacks, the view state in the address and the server-drawn first view.

Owns what a person sees and clicks in the browser. May import ``geo``, ``layers``, the app's common
modules (``app.settings``, ``app.i18n``, ``app.messages``, ``app.jobs``) and the public faces of
``app.render`` and ``app.export`` (their package names, never their modules).
"""
