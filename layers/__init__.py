"""What to draw and what it means: the plan's layers, indicators, targets and their evaluation, styles and words.

Reads ``data/`` through ``geo``; knows nothing of Dash, HTTP or paper. Every output (web map,
print, exports) takes its features, classes, colours, words and provenance from here.
"""
