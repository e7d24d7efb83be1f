"""Issue 27: with 25+ jobs, a confirmation's buttons stay on screen, at 1366x768 and on a 390x844
phone, without scrolling (they fell to y = 1,262 px in a 734 px dialog); the one clear says whose
jobs it deletes; an active row's Cancel… confirms in a dialog that fits too."""

from __future__ import annotations

from datetime import timedelta

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from extensions import db
from models import ArchivalDescription, Job, JobStatus, User
from models.base import utcnow
from models.user import Role, create_user
from tests.browser.browsing import OUTPUT, log_in
from tests.helpers import PASSWORD

SIZES = {"desktop": (1366, 768, False), "phone": (390, 844, True)}
JOBS = 30


def seed(app) -> None:
    """29 inactive jobs of the administrator about a long-titled record, one of connie's, and a queued one."""
    with app.app_context():
        record = db.session.scalars(db.select(ArchivalDescription).order_by(ArchivalDescription.lft)).first()
        record.title = "Port Ellis Harbour Commission fonds: correspondence, minutes and engineering drawings"
        admin = User.by_username("admin")
        connie = create_user("connie", PASSWORD, role=Role.CONTRIBUTOR)
        now = utcnow()
        for n in range(JOBS):
            status = (JobStatus.COMPLETED, JobStatus.ERROR, JobStatus.CANCELED)[n % 3]
            owner = connie if n == 0 else admin
            created = now - timedelta(minutes=JOBS - n)
            db.session.add(
                Job(type="finding_aid", status=status, user_id=owner.id, parameters={"format": "pdf"},
                    description_id=record.id, created_at=created, started_at=created, finished_at=created,
                    info="Finding aid generated (PDF).")
            )  # fmt: skip
        db.session.add(Job(type="report", status=JobStatus.QUEUED, user_id=admin.id, parameters={}, created_at=now))
        db.session.commit()


def buttons_in_view(browser) -> dict:
    """Where the open dialog's action button and its back link are, against the viewport."""
    return browser.execute_script(
        "const d = document.querySelector('dialog.confirm-dialog[open]');"
        "const box = (el) => { const r = el.getBoundingClientRect();"
        " return {top: r.top, bottom: r.bottom, left: r.left, right: r.right}; };"
        "return {confirm: box(d.querySelector('.confirm-actions button[type=submit]')),"
        " back: box(d.querySelector('.confirm-actions [data-dismiss]')),"
        " height: window.innerHeight, width: window.innerWidth, text: d.textContent.replace(/\\s+/g, ' ')};"
    )


def open_dialog(browser, css: str) -> dict:
    browser.find_element(By.CSS_SELECTOR, css).click()
    WebDriverWait(browser, 10, 0.05).until(
        lambda d: d.execute_script("return !!document.querySelector('dialog.confirm-dialog[open] .confirm-actions')")
    )
    return buttons_in_view(browser)


def assert_on_screen(where: dict, what: str) -> None:
    for name in ("confirm", "back"):
        box, seen = where[name], f"{what}: {name} at {where[name]}, screen {where['width']}x{where['height']}"
        assert box["top"] >= 0, seen
        assert box["bottom"] <= where["height"], seen
        assert box["left"] >= 0, seen
        assert box["right"] <= where["width"], seen


def close_dialog(browser) -> None:
    browser.find_element(By.CSS_SELECTOR, "dialog.confirm-dialog[open]").send_keys(Keys.ESCAPE)
    WebDriverWait(browser, 10, 0.05).until(
        lambda d: d.execute_script("return !document.querySelector('dialog.confirm-dialog')")
    )


def test_confirmation_buttons_stay_on_screen_with_many_jobs(browser, live_server):
    base, app = live_server
    seed(app)
    log_in(browser, base)
    try:
        for size, (width, height, mobile) in SIZES.items():
            browser.execute_cdp_cmd(
                "Emulation.setDeviceMetricsOverride",
                {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile},
            )
            browser.get(f"{base}/jobs/")
            clear = open_dialog(browser, ".toolbar a[href='/jobs/clear']")
            browser.save_screenshot(str(OUTPUT / f"jobs-clear-dialog-{size}-{width}x{height}.png"))
            assert_on_screen(clear, f"clear dialog, {size}")
            assert f"This deletes {JOBS} inactive jobs, 1 of them connie's" in clear["text"]
            assert f"and {JOBS - 5} more" in clear["text"]
            close_dialog(browser)

            browser.get(f"{base}/jobs/active")
            assert_on_screen(open_dialog(browser, "table.jobs a.row-action"), f"cancel dialog, {size}")
            close_dialog(browser)
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
