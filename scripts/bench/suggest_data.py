#!/usr/bin/env python3
"""Synthetic data for scripts/bench/suggest.sh (dispatch suggestions on the demo city). Standard library only.

Nothing here is real: grid polygons are squares on a lattice over Beijing's extent, texts are built from the
demo taxonomy's own category names with shared filler words and noise.

  prepare --db FILE.sqlite --taxonomy CSV --duties CSV --out DIR
      reads the seeded demo city and writes into DIR:
        grids.geojson   every grid of the city as a 300–500 m square (some with a hole), codes laid out in
                        order along a generalised Hilbert curve so a district or street is one patch
        category.csv    title,detail,label (label = leaf category code), ~40 texts per leaf category
        unit.csv        the same kind of texts, label = the primary unit (template) of the city-wide duty rule
        demands.jsonl   3,000 demand drafts (phone, complaint, categoryCode), mostly around 60 hot spots
        bodies.json     200 suggestion requests at the hot spots; bodies.lua: the same as a Lua table for wrk
  post --url URL --token TOKEN --file DIR/demands.jsonl [--threads 4]
      posts the drafts to /api/v1/demands; fails unless every one is answered 201
  check --url URL --token TOKEN --file DIR/bodies.json
      sends each body once, one after the other on one connection; prints the unloaded latency and what the
      answers contained (place source, route, categories, units, duplicates); fails on any non-200
  metrics BEFORE AFTER [--cpu-ticks N]
      the server's own timing of POST /api/v1/suggestions between two scrapes of /metrics (and, given the
      server's CPU ticks over the interval, its CPU time per answer)
"""
import argparse
import concurrent.futures
import csv
import http.client
import json
import math
import os
import random
import sqlite3
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter

# Beijing's extent (degrees) and the lattice laid over it.
WEST, EAST, SOUTH, NORTH = 115.42, 117.50, 39.44, 41.06
METRES_PER_DEGREE = 111_195.0

HOTSPOTS = 60
DEMANDS = 3_000
BODIES = 200
TEXTS_PER_CATEGORY = 40

# ---------------------------------------------------------------------------------------------- the city


def read_city(db_path):
    """Grid codes (sorted) and, per grid, the names of its community, street and district."""
    db = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    units = {code: (name, kind, parent) for code, name, kind, parent in db.execute("SELECT code, name, kind, parent_code FROM units")}
    db.close()
    grids = sorted(code for code, (_, kind, _) in units.items() if kind == "grid")
    if not grids:
        sys.exit(f"{db_path}: no grids (was the demo city seeded?)")
    names = {}
    for code in grids:
        chain = []
        parent = units[code][2]
        while parent and parent in units and len(chain) < 4:
            chain.append(units[parent][0])
            parent = units[parent][2]
        # chain: community, street, district, city
        names[code] = {"community": chain[0] if chain else "", "street": chain[1] if len(chain) > 1 else "",
                       "district": chain[2] if len(chain) > 2 else "", "grid": units[code][0]}
    return grids, names


# ---------------------------------------------------------------------------------------------- the lattice


def gilbert2d(width, height):
    """Cells of a width × height rectangle in generalised Hilbert order (after J. Červený's gilbert2d)."""
    def sgn(x):
        return (x > 0) - (x < 0)

    def generate(x, y, ax, ay, bx, by):
        w, h = abs(ax + ay), abs(bx + by)
        dax, day, dbx, dby = sgn(ax), sgn(ay), sgn(bx), sgn(by)
        if h == 1:
            for _ in range(w):
                yield x, y
                x, y = x + dax, y + day
            return
        if w == 1:
            for _ in range(h):
                yield x, y
                x, y = x + dbx, y + dby
            return
        ax2, ay2, bx2, by2 = ax // 2, ay // 2, bx // 2, by // 2
        w2, h2 = abs(ax2 + ay2), abs(bx2 + by2)
        if 2 * w > 3 * h:
            if w2 % 2 and w > 2:
                ax2, ay2 = ax2 + dax, ay2 + day
            yield from generate(x, y, ax2, ay2, bx, by)
            yield from generate(x + ax2, y + ay2, ax - ax2, ay - ay2, bx, by)
        else:
            if h2 % 2 and h > 2:
                bx2, by2 = bx2 + dbx, by2 + dby
            yield from generate(x, y, bx2, by2, ax2, ay2)
            yield from generate(x + bx2, y + by2, ax, ay, bx - bx2, by - by2)
            yield from generate(x + (ax - dax) + (bx2 - dbx), y + (ay - day) + (by2 - dby), -bx2, -by2, -(ax - ax2), -(ay - ay2))

    if width >= height:
        yield from generate(0, 0, width, 0, 0, height)
    else:
        yield from generate(0, 0, 0, height, width, 0)


class Square:
    """A grid's square (degrees), optionally with a square hole."""

    def __init__(self, west, south, east, north, hole=None):
        self.west, self.south, self.east, self.north, self.hole = west, south, east, north, hole

    def ring(self, west, south, east, north, clockwise=False):
        ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
        ring = [[round(x, 7), round(y, 7)] for x, y in ring]
        return ring[::-1] if clockwise else ring

    def geometry(self):
        rings = [self.ring(self.west, self.south, self.east, self.north)]
        if self.hole:
            rings.append(self.ring(*self.hole, clockwise=True))  # RFC 7946: holes clockwise
        return {"type": "Polygon", "coordinates": rings}

    def point(self, rng, in_hole=False):
        """A point well inside the square and outside its hole, or inside the hole when asked."""
        if in_hole:
            w, s, e, n = self.hole
            return round(rng.uniform(w + (e - w) * 0.2, e - (e - w) * 0.2), 6), round(rng.uniform(s + (n - s) * 0.2, n - (n - s) * 0.2), 6)
        mx, my = (self.east - self.west) * 0.03, (self.north - self.south) * 0.03
        while True:
            x, y = rng.uniform(self.west + mx, self.east - mx), rng.uniform(self.south + my, self.north - my)
            if self.hole:
                w, s, e, n = self.hole
                if w - mx <= x <= e + mx and s - my <= y <= n + my:
                    continue
            return round(x, 6), round(y, 6)


def lay_out(grids, holes, rng):
    """A square per grid: grids in code order along the curve, the lattice's spare cells spread evenly."""
    mid_lat = (SOUTH + NORTH) / 2
    width_m = (EAST - WEST) * METRES_PER_DEGREE * math.cos(math.radians(mid_lat))
    height_m = (NORTH - SOUTH) * METRES_PER_DEGREE
    cell_m = math.sqrt(width_m * height_m / (len(grids) * 1.02))
    cols, rows = math.ceil(width_m / cell_m), math.ceil(height_m / cell_m)
    cells = list(gilbert2d(cols, rows))
    dx, dy = (EAST - WEST) / cols, (NORTH - SOUTH) / rows
    squares = {}
    for index, code in enumerate(grids):
        col, row = cells[index * len(cells) // len(grids)]
        cx, cy = WEST + (col + 0.5) * dx, SOUTH + (row + 0.5) * dy
        side = rng.uniform(300, 500)  # metres
        half_y = side / 2 / METRES_PER_DEGREE
        half_x = half_y / math.cos(math.radians(cy))
        # Jitter the square inside its cell, leaving at least 100 m to the cell's edge.
        room_x, room_y = max(0.0, dx / 2 - half_x - 100 / METRES_PER_DEGREE), max(0.0, dy / 2 - half_y - 100 / METRES_PER_DEGREE)
        cx += rng.uniform(-room_x, room_x)
        cy += rng.uniform(-room_y, room_y)
        hole = None
        if code in holes:
            # A compound or park cut out: 25–40 % of the side, somewhere off-centre.
            hx, hy = half_x * rng.uniform(0.25, 0.4), half_y * rng.uniform(0.25, 0.4)
            ox, oy = rng.uniform(-0.3, 0.3) * half_x, rng.uniform(-0.3, 0.3) * half_y
            hole = (cx + ox - hx, cy + oy - hy, cx + ox + hx, cy + oy + hy)
        squares[code] = Square(cx - half_x, cy - half_y, cx + half_x, cy + half_y, hole)
    return squares, (cols, rows, cell_m)


# ---------------------------------------------------------------------------------------------- texts

FILLER_PLACES = ["小区门口", "楼下", "路口", "公交站旁边", "学校附近", "菜市场边上", "单元门前", "停车场里", "河边步道", "胡同里",
                 "地铁站出口", "超市对面", "幼儿园门口", "主路辅路", "院子里", "楼道里", "广场上", "便利店旁边"]
FILLER_TIMES = ["已经持续三天了", "有一个多星期了", "从上个月开始", "最近几天", "每天晚上", "周末尤其严重", "今天早上发现",
                "好长时间了", "反复出现", "昨天夜里开始"]
FILLER_EFFECTS = ["影响居民正常生活", "老人孩子出行不便", "存在安全隐患", "大家意见很大", "严重影响休息", "路过的人都有意见",
                  "邻居们都很着急", "给生活带来很大麻烦"]
FILLER_ASKS = ["希望有关部门尽快处理", "请尽快派人来看看", "麻烦帮忙协调解决", "要求相关部门核实", "希望能给个答复",
               "请督促责任单位整改", "之前反映过还没解决", "物业说不归他们管"]
FILLER_OPENERS = ["您好，", "我要反映一下，", "你好，我是附近居民，", "", "", "我想问一下，", "投诉一下，"]
NOISE = "的了在是我有这个也就都和人到说要会着没看好还那些还去过吧呢啊嗯"
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"


def words_of(name):
    """A category name's words: two-character pieces (a trailing odd character joins the last)."""
    pieces = [name[i:i + 2] for i in range(0, len(name), 2)]
    if len(pieces) > 1 and len(pieces[-1]) == 1:
        pieces[-2:] = [pieces[-2] + pieces[-1]]
    return pieces


def text(rng, category, parents, others):
    """A (title, content) about `category` (code, name), with filler words and some noise."""
    _, name = category
    words = words_of(name)
    parent = parents.get(category[0], "")
    place = rng.choice(FILLER_PLACES)
    topic = name if rng.random() < 0.6 else "".join(rng.sample(words, k=len(words))) if len(words) > 1 else name
    if rng.random() < 0.25 and len(words) > 1:
        topic = rng.choice(words)  # only part of the name
    parts = [rng.choice(FILLER_OPENERS) + place + rng.choice(["有", "出现", "发现", "存在", ""]) + topic + rng.choice(["问题", "的情况", "", "现象"])]
    parts.append(rng.choice(FILLER_TIMES))
    if rng.random() < 0.5:
        parts.append(rng.choice(FILLER_EFFECTS))
    if rng.random() < 0.3 and parent:
        parts.append("属于" + parent + "方面")
    if rng.random() < 0.2:
        parts.append("旁边还有" + rng.choice(others)[1])  # a word of another category: confusion
    parts.append(rng.choice(FILLER_ASKS))
    content = "，".join(p for p in parts if p) + "。"
    if rng.random() < 0.3:  # noise: a stray character
        i = rng.randrange(len(content))
        content = content[:i] + rng.choice(NOISE) + content[i:]
    if rng.random() < 0.15:  # noise: a dropped character
        i = rng.randrange(len(content))
        content = content[:i] + content[i + 1:]
    title = rng.choice([name, place + words[0], "关于" + name + "的反映", topic + "问题", ""])
    return title, content


# ---------------------------------------------------------------------------------------------- taxonomy and duty rules


def read_taxonomy(path):
    with open(path, encoding="utf-8") as f:
        rows = [r for r in csv.DictReader(f) if r.get("active", "true") != "false"]
    codes = {r["code"] for r in rows}
    names = {r["code"]: r["name"] for r in rows}
    leaves = sorted((c, names[c]) for c in codes if not any(o.startswith(c + ".") for o in codes))
    parents = {c: names.get(c.rsplit(".", 1)[0], "") for c, _ in leaves if "." in c}
    return leaves, parents


def city_route(leaves, duties_path, city="110000", today=None):
    """Leaf code → primary unit (template) of the city-wide duty rule in force: the most specific category
    wins, then priority, then the later start (as the duty router ranks rules within one area)."""
    today = today or time.strftime("%Y-%m-%d", time.gmtime(time.time() + 8 * 3600))
    with open(duties_path, encoding="utf-8") as f:
        rules = [r for r in csv.DictReader(f)
                 if r["area"] == city and r["effective_from"] <= today and (not r["effective_until"] or today < r["effective_until"])]
    routes = {}
    for code, _ in leaves:
        matching = [r for r in rules if code == r["category"] or code.startswith(r["category"] + ".")]
        if matching:
            best = max(matching, key=lambda r: (r["category"].count("."), int(r["priority"] or 0), r["effective_from"]))
            routes[code] = best["primary"]
    return routes


# ---------------------------------------------------------------------------------------------- prepare


def address(rng, names):
    n = names
    return f"北京市{n['district']}{n['street']}{n['community']}{rng.randint(1, 30)}号楼{rng.randint(1, 6)}单元"


def prepare(args):
    rng = random.Random(args.seed)
    grids, names = read_city(args.db)
    leaves, parents = read_taxonomy(args.taxonomy)
    routes = city_route(leaves, args.duties)

    # Hot spots: where complaints pile up and the probes are.
    hotspots = rng.sample(grids, HOTSPOTS)
    holes = set(hotspots[:10]) | {code for i, code in enumerate(grids) if i % 25 == 7}
    squares, (cols, rows, cell_m) = lay_out(grids, holes, rng)
    with open(f"{args.out}/grids.geojson", "w", encoding="utf-8") as f:
        json.dump({"type": "FeatureCollection", "features": [
            {"type": "Feature", "properties": {"code": code, "name": names[code]["grid"]}, "geometry": squares[code].geometry()}
            for code in grids]}, f, ensure_ascii=False, separators=(",", ":"))

    # Classifier training data.
    with open(f"{args.out}/category.csv", "w", encoding="utf-8", newline="") as fc, \
         open(f"{args.out}/unit.csv", "w", encoding="utf-8", newline="") as fu:
        wc, wu = csv.writer(fc), csv.writer(fu)
        wc.writerow(["title", "detail", "label"])
        wu.writerow(["title", "detail", "label"])
        for category in leaves:
            for _ in range(TEXTS_PER_CATEGORY):
                wc.writerow([*text(rng, category, parents, leaves), category[0]])
                if category[0] in routes:
                    wu.writerow([*text(rng, category, parents, leaves), routes[category[0]]])

    # Each hot spot has a main problem and a few others.
    spots = {code: {"main": rng.choice(leaves), "others": rng.sample(leaves, 5)} for code in hotspots}

    def category_at(spot):
        r = rng.random()
        return spot["main"] if r < 0.45 else rng.choice(spot["others"]) if r < 0.85 else rng.choice(leaves)

    drafts = []
    for i in range(DEMANDS):
        if i < DEMANDS * 0.85:
            grid = rng.choice(hotspots)
            category = category_at(spots[grid])
        else:
            grid, category = rng.choice(grids), rng.choice(leaves)
        title, content = text(rng, category, parents, leaves)
        location = {"address": address(rng, names[grid])}
        if rng.random() < 0.9:
            location["longitude"], location["latitude"] = squares[grid].point(rng)
        draft = {"type": "complaint", "channel": "phone", "categoryCode": category[0], "content": content, "location": location,
                 "complainant": {"name": rng.choice(SURNAMES) + rng.choice(["先生", "女士"]), "phone": "13" + "".join(rng.choices("0123456789", k=9))}}
        if title:
            draft["title"] = title
        drafts.append(draft)
    with open(f"{args.out}/demands.jsonl", "w", encoding="utf-8") as f:
        for draft in drafts:
            f.write(json.dumps(draft, ensure_ascii=False) + "\n")

    bodies = []
    for i in range(BODIES):
        grid = hotspots[i % HOTSPOTS]
        spot = spots[grid]
        r = rng.random()
        category = spot["main"] if r < 0.6 else rng.choice(spot["others"]) if r < 0.9 else rng.choice(leaves)
        title, content = text(rng, category, parents, leaves)
        body = {"content": content, "address": address(rng, names[grid])}
        if title and rng.random() < 0.7:
            body["title"] = title
        where = rng.random()
        if where < 0.85:
            body["longitude"], body["latitude"] = squares[grid].point(rng)
        elif where < 0.9 and squares[grid].hole:
            body["longitude"], body["latitude"] = squares[grid].point(rng, in_hole=True)  # in no grid: the address decides
        # else: no coordinates, the address alone
        if i % 2 == 0:
            body["categoryCode"] = category[0]
        body["_expected"] = {"category": category[0], "grid": grid}  # for `check`; stripped before sending
        bodies.append(body)
    with open(f"{args.out}/bodies.json", "w", encoding="utf-8") as f:
        json.dump(bodies, f, ensure_ascii=False, indent=0)
    with open(f"{args.out}/bodies.lua", "w", encoding="utf-8") as f:
        f.write("return {\n")
        for body in bodies:
            sent = json.dumps({k: v for k, v in body.items() if not k.startswith("_")}, ensure_ascii=False, separators=(",", ":"))
            assert "]==]" not in sent
            f.write(f"[==[{sent}]==],\n")
        f.write("}\n")

    with_holes = sum(1 for s in squares.values() if s.hole)
    print(f"prepared: {len(grids)} grids on a {cols}×{rows} lattice (cells {cell_m:.0f} m, squares 300–500 m, {with_holes} with a hole), "
          f"{len(leaves)} leaf categories ({len(routes)} with a city-wide duty rule), "
          f"{len(leaves) * TEXTS_PER_CATEGORY} category texts, {DEMANDS} demands at {HOTSPOTS} hot spots, {BODIES} request bodies")


# ---------------------------------------------------------------------------------------------- post, check


def post(args):
    with open(args.file, encoding="utf-8") as f:
        drafts = [line for line in f if line.strip()]
    url = args.url.rstrip("/") + "/api/v1/demands"

    def send(draft):
        request = urllib.request.Request(url, data=draft.encode(), method="POST", headers={
            "Content-Type": "application/json", "Authorization": f"Bearer {args.token}"})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, None
        except urllib.error.HTTPError as error:
            return error.code, f"{draft.strip()}\n  -> {error.code} {error.read().decode(errors='replace')}"

    start = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(args.threads) as pool:
        results = list(pool.map(send, drafts))
    statuses = Counter(status for status, _ in results)
    print(f"posted {len(drafts)} demands in {time.monotonic() - start:.1f} s: " + ", ".join(f"{k}: {v}" for k, v in sorted(statuses.items())))
    failures = [problem for _, problem in results if problem]
    for problem in failures[:5]:
        print("  " + problem, file=sys.stderr)
    if failures:
        sys.exit(1)


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(math.ceil(p / 100 * len(values))) - 1)]


def check(args):
    with open(args.file, encoding="utf-8") as f:
        bodies = json.load(f)
    parsed = urllib.parse.urlsplit(args.url)
    connection = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=30)
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {args.token}"}
    seen, of = Counter(), Counter()
    millis, duplicates, failures = [], [], []
    for rounds in range(args.rounds):
        for body in bodies:
            sent = json.dumps({k: v for k, v in body.items() if not k.startswith("_")}, ensure_ascii=False).encode()
            start = time.perf_counter()
            connection.request("POST", "/api/v1/suggestions", body=sent, headers=headers)
            response = connection.getresponse()
            data = response.read()
            millis.append((time.perf_counter() - start) * 1000)
            if rounds:
                continue
            if response.status != 200:
                failures.append(f"{sent.decode()}\n  -> {response.status} {data.decode(errors='replace')}")
                continue
            answer = json.loads(data)
            expected = body["_expected"]
            place = answer.get("place") or {}
            seen["place: " + place.get("source", "none")] += 1
            if place.get("source") == "coordinates" and (place.get("grid") or {}).get("code") != expected["grid"]:
                seen["place: coordinates in another grid than laid out (!)"] += 1
            seen["route"] += bool(answer.get("route"))
            seen["categories"] += bool(answer.get("categories"))
            seen["units"] += bool(answer.get("units"))
            if "categoryCode" not in body:
                key = "top category = the one the text was made from (bodies without categoryCode)"
                of[key] += 1
                seen[key] += bool(answer.get("categories")) and answer["categories"][0]["code"] == expected["category"]
            else:
                key = "route of the given category (bodies with categoryCode)"
                of[key] += 1
                seen[key] += (answer.get("route") or {}).get("categoryCode") == body["categoryCode"]
            seen[f"categoryModel v{answer.get('categoryModel')}, unitModel v{answer.get('unitModel')}"] += 1
            duplicates.append(len(answer.get("duplicates", [])))
    connection.close()
    print(f"{len(bodies)} bodies, sent {args.rounds}× one after the other on one connection: "
          f"p50 {percentile(millis, 50):.2f} ms, p90 {percentile(millis, 90):.2f} ms, p99 {percentile(millis, 99):.2f} ms, max {max(millis):.2f} ms")
    for key, count in sorted(seen.items()):
        print(f"  {key}: {count}/{of.get(key, len(bodies))}")
    if duplicates:
        print(f"  duplicates proposed: {sum(1 for d in duplicates if d)}/{len(duplicates)} answers, "
              f"{sum(duplicates) / len(duplicates):.1f} per answer on average, at most {max(duplicates)}")
    for problem in failures[:5]:
        print("  " + problem, file=sys.stderr)
    if failures:
        sys.exit(f"{len(failures)} answers were not 200")


def metrics(args):
    """Server-side duration of POST /api/v1/suggestions between two /metrics scrapes (Prometheus text)."""
    def read(path):
        buckets, total, count = {}, 0.0, 0.0
        with open(path, encoding="utf-8") as f:
            for line in f:
                if not line.startswith("http_server_request_duration") or "/api/v1/suggestions" not in line or 'status_code="200"' not in line:
                    continue
                name, value = line.rsplit(" ", 1)
                if "_bucket" in name:
                    le = name.split('le="', 1)[1].split('"', 1)[0]
                    buckets[le] = buckets.get(le, 0) + float(value)
                elif name.split("{")[0].endswith("_sum"):
                    total += float(value)
                elif name.split("{")[0].endswith("_count"):
                    count += float(value)
        return buckets, total, count

    (b0, s0, c0), (b1, s1, c1) = read(args.before), read(args.after)
    n = c1 - c0
    if n <= 0:
        print("server timing: no POST /api/v1/suggestions 200s in /metrics")
        return
    # Prometheus durations are in seconds here (preferredDisplayUnit); bucket bounds likewise.
    mean_ms = (s1 - s0) / n * 1000
    parts = []
    for le in sorted((k for k in b1 if k != "+Inf"), key=float):
        if float(le) <= 0.1:
            parts.append(f"≤{float(le) * 1000:g} ms {(b1[le] - b0.get(le, 0)) / n:.1%}")
    cpu = ""
    if args.cpu_ticks is not None:
        cpu = f"; server CPU {args.cpu_ticks / os.sysconf('SC_CLK_TCK') / n * 1000:.2f} ms per answer"
    print(f"server timing (MetricsMiddleware, {int(n)} answers): mean {mean_ms:.2f} ms; " + ", ".join(parts) + cpu)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("prepare")
    p.add_argument("--db", required=True)
    p.add_argument("--taxonomy", required=True)
    p.add_argument("--duties", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--seed", type=int, default=1)
    p = sub.add_parser("post")
    p.add_argument("--url", required=True)
    p.add_argument("--token", required=True)
    p.add_argument("--file", required=True)
    p.add_argument("--threads", type=int, default=4)
    p = sub.add_parser("check")
    p.add_argument("--url", required=True)
    p.add_argument("--token", required=True)
    p.add_argument("--file", required=True)
    p.add_argument("--rounds", type=int, default=3)
    p = sub.add_parser("metrics")
    p.add_argument("before")
    p.add_argument("after")
    p.add_argument("--cpu-ticks", type=int, help="the server's user+system CPU ticks over the same interval")
    args = parser.parse_args()
    {"prepare": prepare, "post": post, "check": check, "metrics": metrics}[args.command](args)


if __name__ == "__main__":
    main()
