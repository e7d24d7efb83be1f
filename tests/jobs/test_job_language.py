"""A job speaks the language of the user who launched it (issue 27, item 8): its Info, its console
lines and the errors a user's file causes, kept with the job — whoever reads or cancels it later."""

from __future__ import annotations

import pytest
from sqlalchemy import update

from actors.engine import lifecycle
from actors.engine.launching import launch, retry, send
from extensions import db
from models import ArchivalDescription as D
from models import JobStatus, User
from models.base import utcnow
from models.finding_aid import FindingAid, finding_aid_dir
from tests.import_export_support import run_form

BAD_PARENT = b"legacyId,parentId,title,levelOfDescription\n1,999,Orphan,File\n"
BAD_NESTING = (
    b'<ead><archdesc level="fonds"><did><unittitle>F</unittitle></did><dsc><c01><did><unittitle>S</unittitle></did>'
    b"<c03><did><unittitle>X</unittitle></did></c03></c01></dsc></archdesc></ead>"
)


def plain(text: str) -> str:
    """French typography's no-break spaces read as spaces, its apostrophe as a straight one."""
    return text.replace("\u00a0", " ").replace("\u202f", " ").replace("\u2019", "'")


def speaks(username: str, locale: str | None) -> None:
    db.session.execute(update(User).where(User.username == username).values(locale=locale))
    db.session.commit()


def test_a_french_users_import_errors_are_french_and_an_english_users_stay_english(as_user, run_jobs):
    speaks("alice", "fr")
    job = run_form(as_user("alice"), run_jobs, "import_descriptions", ("bad.csv", BAD_PARENT))
    assert (job.status, job.locale) == (JobStatus.ERROR, "fr")
    assert plain(job.info) == "ligne 2 : parentId 999 ne renvoie à aucune ligne précédente. Rien n'a été importé."
    output = plain(job.output)
    assert "Import de bad.csv (CSV) au premier niveau ; notices existantes correspondantes : skip." in output
    assert "Vérification de 1 ligne : 1 problème, aucun avertissement." in output
    assert "refers to" not in output

    job = run_form(as_user("bob"), run_jobs, "import_descriptions", ("bad.csv", BAD_PARENT))
    assert (job.status, job.locale) == (JobStatus.ERROR, "en")
    assert job.info == "line 2: parentId 999 refers to no earlier row. Nothing was imported."
    assert "Checked 1 row: 1 problem, no warnings." in job.output


def test_a_french_users_ead_error_is_french_with_its_element_names_as_they_are(as_user, run_jobs):
    speaks("alice", "fr")
    job = run_form(as_user("alice"), run_jobs, "import_descriptions", ("n.xml", BAD_NESTING))
    assert job.status == JobStatus.ERROR
    assert plain(job.info) == "/ead/archdesc/dsc/c01[1]/c03[1] : <c03> doit être dans <c02>, pas dans <c01>"
    assert "Import de n.xml (EAD) au premier niveau" in plain(job.output)


@pytest.mark.test_jobs
def test_a_french_users_job_canceled_by_an_english_admin_says_so_in_french(as_user, launch_job, form_for, reload):
    speaks("alice", "fr")
    french, english = launch_job("test_count", "alice"), launch_job("test_count", "bob")
    admin = as_user("admin")
    for job in (french, english):
        form_for(admin.get(f"/jobs/{job.id}/cancel"), f"/jobs/{job.id}/cancel").submit().follow()
    assert reload(french.id).info == "Annulée par admin."
    assert reload(english.id).info == "Canceled by admin."
    page = admin.get(f"/jobs/{french.id}")  # the admin reads the job's own words, in an English page
    assert page.html.find(id="job-info").get_text(strip=True) == "Annulée par admin."


def test_a_finding_aid_launched_in_french_runs_in_french(app, users, fonds, run_jobs, reload):
    speaks("alice", "fr")
    job, _sent = launch("finding_aid", user=users["alice"], description=D.by_slug(fonds), parameters={"format": "rtf"})
    run_jobs()
    job = reload(job.id)
    assert job.status == JobStatus.COMPLETED, job.output
    assert plain(job.info) == "Instrument de recherche généré (RTF)."
    assert "Génération d'un instrument de recherche RTF pour « " in plain(job.output)
    aid = FindingAid.for_description(D.by_slug(fonds).id)
    text = (finding_aid_dir() / aid.file_name).read_text()
    assert "anglais" in text
    assert "English" not in text


def test_a_job_from_before_jobs_kept_a_language_runs_in_english_and_a_retry_keeps_the_language(
    app, users, fonds, run_jobs, reload
):
    speaks("alice", "fr")
    record = D.by_slug(fonds)
    values = {"type": "export_descriptions", "user_id": users["alice"].id, "description_id": record.id}
    old = lifecycle.queue({**values, "parameters": {"format": "csv"}, "created_at": utcnow()})  # no locale: as the
    assert old.locale is None  # migration leaves the jobs launched before it
    assert send(old.id, "export_descriptions")
    french, _sent = launch("export_descriptions", user=users["alice"], description=record, parameters={"format": "csv"})
    run_jobs()
    assert reload(old.id).info == "Exported 40 descriptions (AtoM CSV, zip)."
    assert plain(reload(french.id).info) == "40 descriptions exportées (AtoM CSV, zip)."

    again, _sent = retry(reload(french.id), users["bob"])  # an English user's Run again keeps the job's language
    assert again.locale == "fr"
    assert retry(reload(old.id), users["bob"])[0].locale == "en"
    run_jobs()
    assert plain(reload(again.id).info) == "40 descriptions exportées (AtoM CSV, zip)."


def test_the_job_page_in_french_says_demarree_of_a_job(as_user, make_job):
    job = make_job("alice", JobStatus.COMPLETED)
    speaks("alice", "fr")
    labels = [dt.get_text(strip=True) for dt in as_user("alice").get(f"/jobs/{job.id}").html.select("dl dt")]
    assert "Démarrée" in labels
    assert "Démarré" not in labels
