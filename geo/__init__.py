"""Pure geometry for the Hubei digital-economy map: CRS, boundaries, simplification, file I/O.

Nothing here knows about Dash, colours or the plan's layers.
"""
