"""Everything a person touches: the web map, the CLI (and later export and snapshots)."""
