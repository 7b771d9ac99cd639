"""Maps: what they show, folium elements, the page, the day map and the timeline."""
