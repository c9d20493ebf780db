"""Made-up grid boundaries for one street of the demo city (test tooling: the demo city has no polygons).

Writes a GeoJSON FeatureCollection to stdout: the street's grids as squares on a lattice in code order (so a
community's grids sit together), near 望京. Usage: grids.py DATABASE.sqlite STREET_CODE
"""
import json
import math
import sqlite3
import sys

database, street = sys.argv[1], sys.argv[2]
codes = [row[0] for row in sqlite3.connect(database).execute(
    "SELECT code FROM units WHERE kind = 'grid' AND code LIKE ? ORDER BY code", (street + "%",))]
columns = max(1, math.ceil(math.sqrt(len(codes))))
# Squares on the ground: a degree of longitude is shorter than one of latitude by cos(latitude).
west, north, side = 116.46, 40.01, 0.002
wide = side / math.cos(math.radians(north))
features = []
for index, code in enumerate(codes):
    x, y = west + (index % columns) * wide, north - (index // columns) * side
    ring = [[x, y - side], [x + wide, y - side], [x + wide, y], [x, y], [x, y - side]]  # counter-clockwise (RFC 7946)
    features.append({"type": "Feature", "properties": {"code": code}, "geometry": {"type": "Polygon", "coordinates": [ring]}})
json.dump({"type": "FeatureCollection", "features": features}, sys.stdout, ensure_ascii=False)
