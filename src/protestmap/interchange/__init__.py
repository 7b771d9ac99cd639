"""Side door: ACLED import and export, GeoJSON, GeoPackage and GeoParquet."""
