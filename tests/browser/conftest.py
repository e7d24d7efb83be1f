"""A real server (threaded WSGI) and a worker in this process, driven by Debian's Chromium."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import dramatiq
import pytest
from werkzeug.serving import make_server

from actors.engine.runtime import runtime
from commands.demo_data import insert_demo_fonds
from models.user import create_user
from tests.browser.browsing import OUTPUT
from tests.helpers import PASSWORD, copy_database, make_app, template_database

CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"


@pytest.fixture(scope="session")
def chromium_paths() -> tuple[str, str]:
    if not (shutil.which(CHROMIUM) and shutil.which(CHROMEDRIVER)):
        pytest.skip(
            "Debian's chromium and chromium-driver are not installed (apt-get install chromium chromium-driver)"
        )
    return CHROMIUM, CHROMEDRIVER


@pytest.fixture(scope="session")
def site_template(tmp_path_factory) -> Path:
    """The database every browser test starts from (an administrator and the 200-description demo
    fonds), made once per test process and copied for each test."""

    def fill() -> None:
        create_user("admin", PASSWORD, admin=True)
        insert_demo_fonds(200)

    return template_database(tmp_path_factory.mktemp("site"), fill)


@pytest.fixture
def live_server(tmp_path, monkeypatch, site_template):
    """The app on a real port with a worker thread pool; yields (base URL, app)."""
    copy_database(site_template, tmp_path / "test.db")
    app = make_app(tmp_path, monkeypatch, WORKER_HEARTBEAT_SECONDS=1)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    # A short poll interval: shutdown() waits for the loop to look (0.5 s by default).
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    broker = runtime(app).broker
    broker.emit_after("process_boot")
    worker = dramatiq.Worker(broker, worker_threads=2, worker_timeout=50)
    worker.start()
    yield f"http://127.0.0.1:{server.server_port}", app
    worker.stop()
    server.shutdown()


@pytest.fixture(scope="session")
def chromium(chromium_paths, tmp_path_factory):
    """One headless Chromium for the session (starting one costs seconds); ``browser`` resets it."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = chromium_paths[0]
    for argument in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1280,900",
        f"--user-data-dir={tmp_path_factory.mktemp('chromium') / 'profile'}",
    ):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(chromium_paths[1]), options=options)
    OUTPUT.mkdir(parents=True, exist_ok=True)
    yield driver
    driver.quit()


@pytest.fixture
def browser(chromium, tmp_path):
    """The session's Chromium as a fresh browser would be: no page, no cookies (every live
    server is 127.0.0.1, and cookies ignore the port), no cache, a 1280x900 window, and
    downloads going to this test's own folder."""

    def reset() -> None:
        chromium.get("about:blank")  # stops the last page's scripts (auto refresh) first
        chromium.execute_cdp_cmd("Network.clearBrowserCookies", {})
        chromium.execute_cdp_cmd("Network.clearBrowserCache", {})
        chromium.set_window_size(1280, 900)

    reset()
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    chromium.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
    chromium.downloads = downloads
    yield chromium
    reset()
