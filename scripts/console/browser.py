"""The console's daily work in headless Chromium (test tooling): see scripts/console-browser.sh."""
import shutil
import sys
import time

from playwright.sync_api import sync_playwright

BASE, SHOTS, PASSWORD = sys.argv[1], sys.argv[2], sys.argv[3]
problems = []   # console errors and failed requests nobody expected
expected = []   # (url part, status) the scenario provokes on purpose
timings = {}


def watch(page, who):
    def response(r):
        if r.status >= 400 and not any(part in r.url and r.status == status for part, status in expected):
            problems.append(f"{who}: {r.status} {r.request.method} {r.url}")
    page.on("response", response)
    # The browser drops the icon's request when the next page starts loading first: that is no failure.
    page.on("requestfailed", lambda r: (r.failure == "net::ERR_ABORTED" and r.url.endswith("/favicon.svg"))
            or problems.append(f"{who}: failed {r.method} {r.url}: {r.failure}"))
    page.on("pageerror", lambda e: problems.append(f"{who}: page error {e}"))
    # Chromium reports a 4xx document as a console error too; those the scenario expects are not problems.
    page.on("console", lambda m: m.type == "error" and not (expected and "status of 4" in m.text)
            and problems.append(f"{who}: console error {m.text}"))


def shot(page, name):
    page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def visit(page, path, name):
    start = time.perf_counter()
    response = page.goto(BASE + path)
    timings[name] = (time.perf_counter() - start) * 1000
    assert response.status < 400, f"{path}: {response.status}"
    shot(page, name)


with sync_playwright() as p:
    browser = p.chromium.launch(executable_path=shutil.which("chromium"), args=["--no-sandbox", "--disable-dev-shm-usage"])

    def person(who, phone=False):
        # A resident's phone (iPhone 13's screen) or a desk's screen; Chromium's own user agent either way.
        size = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True} if phone \
            else {"viewport": {"width": 1280, "height": 900}}
        context = browser.new_context(locale="zh-CN", **size)
        page = context.new_page()
        watch(page, who)
        return page

    def sign_in(who):
        page = person(who)
        visit(page, "/console/login", f"{who}-01-login")
        page.fill("#personId", who)
        page.fill("#password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(BASE + "/console")
        return page

    # A resident on a phone: a bad field first (the error beside it, what was typed kept), then the number.
    resident = person("resident", phone=True)
    visit(resident, "/console/submit", "01-resident-submit")
    resident.select_option("#type", "complaint")
    resident.fill("#content", "望京西园一区 3 号楼门口路灯不亮一周了，晚上很危险")
    resident.fill("#phone", "13812345678")
    resident.fill("#longitude", "东经116度")
    expected.append(("/console/submit", 400))
    resident.click("button[type=submit]")
    assert resident.locator("#address-error").is_visible() and resident.locator("#longitude-error").is_visible()
    assert "路灯不亮一周" in resident.input_value("#content") and resident.input_value("#phone") == "13812345678"
    shot(resident, "02-resident-submit-error")
    expected.clear()
    resident.fill("#address", "北京市朝阳区望京街道望京西园一区 3 号楼")
    resident.fill("#longitude", "")
    resident.click("button[type=submit]")
    number = resident.inner_text("#number").strip()
    shot(resident, "03-resident-received")

    # The dispatcher finds it in the queue and sends it to 城管委.
    dispatcher = sign_in("dispatcher")
    visit(dispatcher, "/console/queue", "04-dispatcher-queue")
    card = dispatcher.locator("article.demand", has_text=number)
    card.locator("input[name=primaryUnit]").fill("110105-CGW")
    card.locator("select[name=deadlineClass]").select_option("general")
    card.locator("button[type=submit]").click()
    dispatcher.wait_for_url(BASE + "/console/queue")
    assert dispatcher.locator("article.demand", has_text=number).count() == 0

    # 城管委 signs for, contacts the resident and reports the result, the deadline light on the row.
    cgw = sign_in("cgw")
    for step, name in [("签收", "05-unit-inbox"), ("已联系诉求人", "06-unit-contact"), ("反馈办理结果", "07-unit-result")]:
        visit(cgw, "/console/inbox", name)
        card = cgw.locator("article.demand", has_text=number)
        assert card.locator(".light.green").count() == 1
        if step == "反馈办理结果":
            card.locator("textarea[name=summary]").fill("已更换路灯灯泡，恢复照明")
        card.get_by_role("button", name=step).click()
        cgw.wait_for_url(BASE + "/console/inbox")

    # The callback agent records 满意; the dispatcher closes.
    callback = sign_in("callback")
    visit(callback, "/console/callbacks", "08-callbacks")
    card = callback.locator("article.demand", has_text=number)
    card.locator("select[name=outcome]").select_option("satisfied")
    card.locator("input[name=contacted]").check()
    card.locator("input[name=solved]").check()
    card.locator("button[type=submit]").click()
    callback.wait_for_url(BASE + "/console/callbacks")
    visit(dispatcher, "/console/queue", "09-dispatcher-close")
    dispatcher.locator("article.demand", has_text=number).get_by_role("button", name="结案").click()
    dispatcher.wait_for_url(BASE + "/console/queue")

    # The resident sees the result.
    visit(resident, f"/console/track?number={number}&phone=13812345678", "10-resident-track")
    assert "已更换路灯灯泡，恢复照明" in resident.inner_text("#results") and "已结案" in resident.inner_text("#progress")

    # The command centre counts the day's demand; English on request.
    leader = sign_in("leader")
    visit(leader, "/console/command", "11-command-centre")
    assert int(leader.inner_text("#received-today")) >= 1 and leader.locator("svg.chart rect").count() == 14
    visit(leader, "/console/command?lang=en", "12-command-centre-en")
    assert "Command centre" in leader.inner_text("h1")
    browser.close()

print(f"console in Chromium: demand {number} from submission to the resident's result; {len(timings)} pages, screenshots in {SHOTS}")
print("page load (browser, ms): " + ", ".join(f"{k} {v:.0f}" for k, v in timings.items()))
if problems:
    print("\n".join(problems), file=sys.stderr)
    sys.exit(1)
