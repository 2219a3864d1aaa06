"""What to draw: the layer catalogue, styles and served layer data. No Dash here."""
