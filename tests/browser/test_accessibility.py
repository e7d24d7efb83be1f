"""axe-core audits of every page in Debian's Chromium: no serious or critical violation."""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from browsing import OUTPUT, log_in

from actors.jobs import launch
from extensions import db
from models import ArchivalDescription, Job

AXE_DIR = Path(__file__).resolve().parents[2] / ".cache" / "axe"
AXE = AXE_DIR / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture(scope="session")
def axe_source() -> str:
    """axe-core from the npm registry, cached under .cache/axe."""
    if not AXE.exists():
        if not shutil.which("npm"):
            pytest.skip("npm is not installed: cannot fetch axe-core for the accessibility audit")
        AXE_DIR.mkdir(parents=True, exist_ok=True)
        subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--silent", "--prefix", str(AXE_DIR), "axe-core@4"],
                       check=True, timeout=300)
    return AXE.read_text()


def audit(browser, axe_source: str) -> list[dict]:
    """Serious and critical violations on the current page."""
    browser.execute_script(axe_source)
    result = browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {resultTypes: ['violations']}).then(r => done(JSON.stringify(r.violations)));"
    )
    return [v for v in json.loads(result) if v["impact"] in ("serious", "critical")]


def pages(base: str, app) -> dict[str, str]:
    with app.app_context():
        record = db.session.scalars(db.select(ArchivalDescription).order_by(ArchivalDescription.lft)).first()
        job_id = db.session.scalar(db.select(Job.id)) or launch("finding_aid", description=record,
                                                                parameters={"format": "pdf"})[0].id
    return {
        "jobs": f"{base}/jobs/",
        "active jobs": f"{base}/jobs/active",
        "job details": f"{base}/jobs/{job_id}",
        "create job menu": f"{base}/jobs/new",
        "create job form": f"{base}/jobs/new/finding_aid",
        "descriptions": f"{base}/descriptions/",
        "description": f"{base}/descriptions/{record.slug}",
        "users": f"{base}/users/",
    }


def test_every_page_passes_axe(browser, live_server, axe_source):
    base, app = live_server
    browser.get(f"{base}/login")
    report = {"login": audit(browser, axe_source)}
    log_in(browser, base)
    for name, url in pages(base, app).items():
        browser.get(url)
        report[name] = audit(browser, axe_source)
    browser.set_window_size(360, 800)
    browser.get(f"{base}/jobs/")
    report["jobs (phone)"] = audit(browser, axe_source)
    browser.save_screenshot(str(OUTPUT / "jobs-phone.png"))
    counts = {page: [v["id"] for v in violations] for page, violations in report.items()}
    (OUTPUT / "axe-report.json").write_text(json.dumps(report, indent=2))
    print("axe serious/critical violations per page:", counts)
    assert all(not ids for ids in counts.values()), counts
