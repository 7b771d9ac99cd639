"""Spatial stage: INEI boundaries, the join of incidents to units, and aggregation."""
