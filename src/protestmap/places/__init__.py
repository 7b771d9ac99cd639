"""Places: the offline INEI gazetteer, name resolution, the geopy geocoder and table geocoding."""
