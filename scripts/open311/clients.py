"""Open311 GeoReport v2 clients against a live Whistle (see scripts/open311-clients.sh).

Usage: clients.py BASE_URL API_KEY. Exits non-zero on the first mismatch.
"""
import json
import sys
import xml.etree.ElementTree as ET

import requests
from georeport import GeoReport

BASE, KEY = sys.argv[1], sys.argv[2]
V2 = BASE + "/open311/v2"
checks = 0


def check(condition, what):
    global checks
    checks += 1
    if not condition:
        sys.exit(f"FAILED: {what}")


def xml(response, root):
    check(response.headers["Content-Type"].startswith("text/xml"), f"{response.url} is text/xml")
    check(response.text.startswith('<?xml version="1.0" encoding="utf-8"?>'), f"{response.url} has the XML declaration")
    document = ET.fromstring(response.content)
    check(document.tag == root, f"{response.url} root is <{root}>, not <{document.tag}>")
    return document


# Shapes of GeoReport v2 JSON (open311/schema-validation): required keys and value types.
SERVICE = {"service_code": str, "service_name": str, "metadata": bool, "type": str}
REQUEST = {"service_request_id": str, "status": str, "service_code": str, "requested_datetime": str}


def shaped(item, shape, what):
    check(isinstance(item, dict), f"{what} is an object")
    for key, kind in shape.items():
        check(isinstance(item.get(key), kind), f"{what}.{key} is a {kind.__name__}: {item.get(key)!r}")
    for key, value in item.items():
        check(value is None or isinstance(value, (str, bool, int, float, list, dict)), f"{what}.{key} is JSON")


# Discovery, both formats.
discovery = requests.get(BASE + "/open311/discovery.json").json()
check(discovery["endpoints"][0]["specification"] == "http://wiki.open311.org/GeoReport_v2", "discovery names GeoReport v2")
check("text/xml" in discovery["endpoints"][0]["formats"], "discovery lists XML")
xml(requests.get(BASE + "/open311/discovery.xml"), "discovery")

# The PyPI client, JSON and XML.
for fmt in ("json", "xml"):
    client = GeoReport(V2, output_format=fmt, api_key=KEY)
    services = client.get_service_list()
    check(len(services) > 50, f"{fmt}: the demo taxonomy's services are listed ({len(services)})")
    codes = [s["service_code"] for s in services]
    check("street-light" in codes, f"{fmt}: street-light is a service")
    definition = client.get_service_definition("street-light")
    check(definition["service_code"] == "street-light", f"{fmt}: the definition names its service")
for service in requests.get(V2 + "/services.json").json():
    shaped(service, SERVICE, "service")
xml(requests.get(V2 + "/services.xml"), "services")
xml(requests.get(V2 + "/service/street-light.xml"), "service_definition")  # the open311 1.1 alias
light = requests.get(V2 + "/services/street-light.json").json()
check({a["datatype"] for a in light["attributes"]} == {"string", "number", "datetime", "text", "singlevaluelist", "multivaluelist"},
      "street-light asks questions of all six datatypes")
check([a["order"] for a in light["attributes"]] == sorted(a["order"] for a in light["attributes"]), "attributes in order")
check(next(s for s in requests.get(V2 + "/services.json").json() if s["service_code"] == "street-light")["metadata"] is True,
      "a service with questions says metadata=true")
definition_xml = xml(requests.get(V2 + "/services/street-light.xml"), "service_definition")
check(len(definition_xml.findall("attributes/attribute")) == len(light["attributes"]), "XML definition lists every attribute")
check(definition_xml.find("attributes/attribute/values/value/key") is not None, "XML list values")

# Posting as FixMyStreet does: form fields, jurisdiction_id empty, several media_url, attribute[...].
posted = []
for n, (code, lat, lon) in enumerate([("street-light", 39.9087, 116.4510), ("road-damage", 39.9900, 116.4700), ("street-light", 39.9950, 116.4800)]):
    form = [
        ("api_key", KEY), ("jurisdiction_id", ""), ("service_code", code), ("lat", str(lat)), ("long", str(lon)),
        ("address_string", "北京市朝阳区建外街道永安里社区" if n == 0 else "北京市朝阳区望京街道"),
        ("description", f"第{n}号测试：灯杆编号 A{n} 的路灯不亮"), ("first_name", "小明"), ("last_name", "王"),
        ("email", "wang@example.com"), ("phone", "13800138000"),
        ("media_url", f"https://photos.example.com/{n}/1.jpg"), ("media_url", f"https://photos.example.com/{n}/2.jpg"),
        ("attribute[pole_number]", f"A{n}"), ("attribute[hazards][]", "traffic"), ("attribute[hazards][]", "dark"),
        ("attribute[location_type]", "road"), ("attribute[noticed_at]", "2026-11-21T19:30:00+08:00"), ("attribute[lamps_out]", "2"),
    ]
    response = requests.post(V2 + "/requests.json", data=form)
    check(response.status_code == 200, f"POST requests.json answers 200, not {response.status_code}: {response.text}")
    created = response.json()
    check(isinstance(created, list) and len(created) == 1 and isinstance(created[0]["service_request_id"], str), "POST answers a list of one request")
    posted.append(created[0]["service_request_id"])
response = requests.post(V2 + "/requests.xml", data=[("api_key", KEY), ("service_code", "road-damage"), ("address_string", "海淀区中关村街道")])
check(xml(response, "service_requests").find("request/service_request_id").text, "POST requests.xml answers an id")
posted.append(ET.fromstring(response.content).find("request/service_request_id").text)

# A photo sent as multipart (the `media` part, as `three` and uReport send it) is kept and served back.
photo = bytes.fromhex("ffd8ffe000104a46494600010100000100010000ffd9")  # a tiny JPEG: SOI, JFIF header, EOI
response = requests.post(V2 + "/requests.json", data={"api_key": KEY, "service_code": "road-damage", "lat": "39.99", "long": "116.47",
                                                      "description": "路面塌陷，附照片"}, files={"media": ("pothole.jpg", photo, "image/jpeg")})
check(response.status_code == 200, f"multipart POST answers 200: {response.text}")
with_photo = response.json()[0]["service_request_id"]
media_url = requests.get(V2 + f"/requests/{with_photo}.json").json()[0]["media_url"]
check(media_url.startswith("http://") and "/open311/v2/media/" in media_url, f"media_url points to the photo: {media_url}")
served = requests.get(media_url)
check(served.status_code == 200 and served.content == photo and served.headers["Content-Type"] == "image/jpeg", "the photo is served back")
refused = requests.post(V2 + "/requests.json", data={"api_key": KEY, "service_code": "road-damage", "lat": "39.99", "long": "116.47"},
                        files={"media": ("virus.exe", b"MZ....", "application/octet-stream")})
check(refused.status_code == 400, "only photos are taken")
check(requests.get(V2 + "/media/" + "0" * 64).status_code == 404, "unknown media is 404")

# Refusals in GeoReport's terms, as error documents in the asked format.
for data, status in [([("service_code", "street-light"), ("lat", "39.9"), ("long", "116.4")], 403),
                     ([("api_key", "wrong"), ("service_code", "street-light"), ("lat", "39.9"), ("long", "116.4")], 403),
                     ([("api_key", KEY), ("service_code", "no-such-service"), ("lat", "39.9"), ("long", "116.4")], 404),
                     ([("api_key", KEY), ("service_code", "street-light")], 400),
                     ([("api_key", KEY), ("service_code", "street-light"), ("lat", "39.9"), ("long", "116.4")], 400),  # location_type is required
                     ([("api_key", KEY), ("service_code", "street-light"), ("lat", "39.9"), ("long", "116.4"), ("attribute[location_type]", "moon")], 400),
                     ([("api_key", KEY), ("service_code", "street-light"), ("lat", "39.9"), ("long", "116.4"), ("attribute[location_type]", "road"),
                       ("attribute[lamps_out]", "many")], 400)]:
    response = requests.post(V2 + "/requests.json", data=data)
    check(response.status_code == status, f"refusal answers {status}, not {response.status_code}")
    check(isinstance(response.json()[0]["description"], str), "refusal is an error document")
    error = xml(requests.post(V2 + "/requests.xml", data=data), "errors")
    check(error.find("error/code").text == str(status), "XML error document carries the code")

# Reading back: the PyPI client's queries with filters, and one request.
client = GeoReport(V2, output_format="json")
everything = client.get_service_requests()
for item in everything:
    shaped(item, REQUEST, "request")
check(set(posted) <= {item["service_request_id"] for item in everything}, "posted requests are listed")
lights = client.get_service_requests(service_code="street-light", status="open")
check({item["service_request_id"] for item in lights} == {posted[0], posted[2]}, "filter by service_code and status")
check(client.get_service_requests(status="closed") == [], "no closed requests yet")
one = client.get_service_request(posted[0])
check(one["service_request_id"] == posted[0] and one["status"] == "open", "one request by id")
check(one["lat"] == 39.9087 and one["long"] == 116.451, "coordinates are numbers")
check("A0" in one["description"] and "城市道路" in one["description"] and "路灯在哪里" in one["description"] and one["media_url"] == "https://photos.example.com/0/1.jpg", "description and media kept")
check("phone" not in json.dumps(one) and "13800138000" not in json.dumps(one) and "王" not in json.dumps(one), "no submitter in public reads")
both = client.get_service_requests(service_request_id=f"{posted[0]},{posted[1]}")
check({item["service_request_id"] for item in both} == {posted[0], posted[1]}, "several ids at once")
xml_one = xml(requests.get(V2 + f"/requests/{posted[0]}.xml"), "service_requests")
check(xml_one.find("request/service_request_id").text == posted[0], "one request as XML")
page = requests.get(V2 + "/requests.json", params={"page_size": 2, "page": 2}).json()
check(len(page) == 2, "page/page_size")
extended = requests.get(V2 + f"/requests/{posted[0]}.json", params={"extensions": "true"}).json()[0]
check(extended["extended_attributes"]["channel"] == "open311" and extended["notes"][0]["type"] == "submitted", "extensions=true")
check(requests.get(V2 + "/requests/nope.json").status_code == 404, "unknown id is 404")
check(requests.get(V2 + "/requests.json", params={"start_date": "2026-01-01T00:00:00+08:00", "end_date": "2026-06-01T00:00:00+08:00"}).status_code == 400,
      "a window over 90 days is refused")
check(requests.get(V2 + "/services.html").status_code == 404, "unknown format is 404")

# FixMyStreet's update feed: the progress of public requests, and residents' comments posted back.
window = {"start_date": "2000-01-01T00:00:00+08:00", "end_date": "2099-01-01T00:00:00+08:00"}
check(requests.get(V2 + "/servicerequestupdates.json", params=window).status_code == 400, "an update window over 90 days is refused")
updates = requests.get(V2 + "/servicerequestupdates.json", params={"api_key": KEY}).json()
for update in updates:
    for field in ("update_id", "service_request_id", "status", "updated_datetime", "description", "media_url"):
        check(isinstance(update.get(field), str), f"update.{field} is a string")
check({u["service_request_id"] for u in updates if u["status"] == "open"} >= set(posted), "each posted request has an open update")
xml(requests.get(V2 + "/servicerequestupdates.xml"), "service_request_updates")
comment = [("api_key", KEY), ("service_request_id", posted[0]), ("update_id", "fms-1"), ("status", "OPEN"),
           ("updated_datetime", "2026-11-21T10:00:00+08:00"), ("description", "还是不亮"), ("media_url", "https://photos.example.com/0/3.jpg")]
for _ in range(2):  # the same update twice is recorded once
    response = requests.post(V2 + "/servicerequestupdates.json", data=comment)
    check(response.status_code == 200 and response.json()[0]["update_id"] == "fms-1", f"update posted: {response.text}")
check(requests.post(V2 + "/servicerequestupdates.json", data=comment[1:]).status_code == 403, "an update needs the key")
check(requests.post(V2 + "/servicerequestupdates.json", data=[("api_key", KEY), ("service_request_id", "nope"), ("update_id", "x"),
                                                             ("description", "x")]).status_code == 404, "an update on an unknown request is 404")

print(f"Open311 clients: {checks} checks passed")
