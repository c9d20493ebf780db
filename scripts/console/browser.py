"""The console's daily work in headless Chromium (test tooling): see scripts/console-browser.sh."""
import re
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
    # The browser drops the icon's request when the next page starts loading first, and ends a live board's
    # stream when the page is left: neither is a failure.
    page.on("requestfailed", lambda r: (r.failure == "net::ERR_ABORTED" and (r.url.endswith("/favicon.svg") or "/whistle-stream" in r.url))
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
    resident.fill("#longitude", "116.4605")  # inside 望京's first grid (scripts/console/grids.py)
    resident.fill("#latitude", "40.0095")
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
    # … and rates it (评价), by keyboard: the choices are labelled radios.
    resident.get_by_label("满意", exact=True).check()
    resident.fill("#comment", "修得很快，谢谢")
    resident.locator("#rate button[type=submit]").click()
    resident.wait_for_selector("#rated")
    assert "满意" in resident.inner_text("#rated") and "修得很快" in resident.inner_text("#rated") and resident.locator("#rate").count() == 0
    shot(resident, "10b-resident-rated")

    # 望京 blows the whistle for 朝阳区城管执法局 and watches its board; the department acknowledges and reports in
    # from its own desk, and the street's board shows it live, without reloading.
    street = sign_in("wangjing")
    visit(street, "/console/whistles", "11-street-whistles")
    street.click("details summary")
    street.select_option("#type", "joint_enforcement")
    street.fill("#subject", "望京西园一区 3 号楼东侧私搭乱建，需联合执法")
    street.fill("#address", "北京市朝阳区望京街道望京西园一区 3 号楼")
    street.fill("#longitude", "116.4702")
    street.fill("#latitude", "39.9968")
    street.fill("#keyWork", "违法建设治理")
    street.check("input[name='summon.110105-CGZFJ']")
    street.fill("#ask", "30 分钟内到场，依法处置")
    street.get_by_role("button", name="吹哨", exact=True).click()
    street.wait_for_url(re.compile(r".*/console/whistles/[^/]+$"))
    board = street.url[len(BASE):]
    street.wait_for_selector("#board[data-live=open]")
    street.evaluate("window.sameBoard = true")
    shot(street, "12-street-board")

    cgzfj = sign_in("cgzfj")
    visit(cgzfj, "/console/whistles", "13-department-whistles")
    cgzfj.click(f"a[href='{board}']")
    cgzfj.get_by_role("button", name="响应：正在赶往现场").click()
    cgzfj.wait_for_url(BASE + board)
    # Locators, not wait_for_function: the console's Content-Security-Policy forbids the eval that one needs.
    street.locator("#summons-110105-CGZFJ .status", has_text="已响应").wait_for()
    cgzfj.fill("#count", "6")
    cgzfj.fill("#people", "王队长,李队员")
    cgzfj.fill("#longitude", "116.4705")
    cgzfj.fill("#latitude", "39.9970")
    cgzfj.get_by_role("button", name="报到", exact=True).click()
    cgzfj.wait_for_url(BASE + board)
    shot(cgzfj, "14-department-signed-in")
    street.locator("#summons-110105-CGZFJ .status", has_text="已报到").wait_for()
    assert street.evaluate("window.sameBoard === true"), "the board reloaded instead of updating live"
    assert street.inner_text("#signed-count") == "1/1" and int(street.get_attribute("#board", "data-updates")) >= 2
    shot(street, "15-street-board-live")

    # Joint handling on record, closed, scored (一哨一考核).
    street.fill("#note", "执法队现场拆除违建一处，清运建筑垃圾")
    street.get_by_role("button", name="记录", exact=True).click()
    street.wait_for_url(BASE + board)
    street.fill("#result", "违建已拆除，现场恢复")
    street.get_by_role("button", name="结束吹哨").click()
    street.wait_for_url(BASE + board)
    for criterion in ("timeliness", "effort", "result"):
        street.select_option(f"#{criterion}-110105-CGZFJ", "9")
    street.get_by_role("button", name="提交评分").click()
    street.wait_for_url(BASE + board)
    assert "已结束" in street.inner_text("#whistle-status") and "27 (90%)" in street.inner_text("#summons-110105-CGZFJ")
    shot(street, "16-street-board-scored")

    # The command centre counts the day's demand and shows the whistle; English on request.
    leader = sign_in("leader")
    visit(leader, "/console/command", "17-command-centre")
    assert int(leader.inner_text("#received-today")) >= 1 and leader.locator("svg.chart rect").count() >= 14
    assert leader.inner_text("#yellow-now").isdigit() and leader.locator("#due-soon h2").count() == 1
    visit(leader, "/console/command?area=110105026", "17b-command-centre-map")
    assert leader.locator("svg.map path").count() >= 10 and "望京街道" in leader.inner_text("#density h2")
    assert leader.locator("svg.map path[class=d0]").count() < leader.locator("svg.map path").count()  # the resident's grid
    visit(leader, "/console/command?lang=en", "18-command-centre-en")
    assert "Command centre" in leader.inner_text("h1")
    visit(leader, "/console/reports?lang=zh", "19-bulletin-daily")
    assert leader.locator("a[href*='format=xlsx']").count() == 1 and leader.locator("table.list").count() >= 3
    visit(leader, "/console/admin?section=units&q=110105026", "20-admin-units")
    assert "望京街道" in leader.inner_text("#units")
    visit(leader, "/console/admin?section=deadlines", "21-admin-deadlines")

    # The city's administrator adds a category (a bad code first: the error beside it) and sees the form for a
    # new version of the deadline rules, the newest version's JSON dated tomorrow.
    admin = sign_in("admin")
    visit(admin, "/console/admin?section=taxonomy", "22-admin-taxonomy")
    admin.fill("#code", "CX.XX.GG")
    admin.fill("#name", "户外广告牌松动")
    expected.append(("/console/admin/taxonomy", 400))
    admin.click("form[action='/console/admin/taxonomy'].card button[type=submit]")
    assert admin.locator("#code-error").is_visible() and admin.input_value("#name") == "户外广告牌松动"
    expected.clear()
    admin.fill("#code", "CX.SZ.GGP")
    admin.click("form[action='/console/admin/taxonomy'].card button[type=submit]")
    admin.wait_for_url(BASE + "/console/admin?section=taxonomy")
    assert "户外广告牌松动" in admin.inner_text("#taxonomy")
    visit(admin, "/console/admin?section=deadlines", "23-admin-rule-version")
    admin.click("details.card summary")
    assert '"effectiveFrom"' in admin.input_value("#document")
    shot(admin, "23-admin-rule-version")
    browser.close()

print(f"console in Chromium: demand {number} from submission to the resident's result, whistle {board} live on the street's board; "
      f"{len(timings)} pages, screenshots in {SHOTS}")
print("page load (browser, ms): " + ", ".join(f"{k} {v:.0f}" for k, v in timings.items()))
if problems:
    print("\n".join(problems), file=sys.stderr)
    sys.exit(1)
