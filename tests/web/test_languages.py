"""English and French: the picker, remembered per user and per browser session, Accept-Language
as the default; French pages keep ISO dates in the user's time zone; the CSV stays English."""

from __future__ import annotations

from datetime import datetime

import pytest

from models import JobStatus, User
from tests.helpers import login, table_rows

FRENCH_HEADINGS = ["Tâche", "Date de début", "Date de fin", "Durée", "Nom de la tâche", "Statut de la tâche", "Info",
                   "Utilisateur"]  # fmt: skip


def pick(client, locale: str, next_url: str = "/jobs/"):
    """Use the language picker of the page at next_url, as the browser does."""
    page = client.get(next_url)
    form = next(f for f in page.forms.values() if f.action.endswith("/language"))
    form["locale"] = locale
    return form.submit().follow()


def html_lang(page) -> str:
    return page.html.find("html")["lang"]


def text_of(page) -> str:
    """What the page says (entities decoded, whitespace collapsed)."""
    return " ".join(page.html.get_text(" ").split())


def test_english_is_the_default(as_user):
    page = as_user("alice").get("/jobs/")
    assert html_lang(page) == "en"
    assert page.html.find("h1").get_text() == "Manage jobs"


def test_the_picker_switches_to_french_and_back(as_user, make_job):
    make_job("alice", JobStatus.COMPLETED)  # (an empty Jobs page offers no export nor clear)
    client = as_user("alice")
    page = pick(client, "fr")
    assert html_lang(page) == "fr"
    assert page.html.find("h1").get_text() == "Gérer les tâches"
    assert page.request.path == "/jobs/"  # back where the picker was used
    for words in (
        "Toutes les tâches",
        "Tâches actives",
        "Actualiser",
        "Actualisation automatique",
        "Exporter l'historique en CSV",
        "Effacer les tâches inactives",
        "Créer une tâche d'arrière-plan",
    ):
        assert words in page.text
    page = pick(client, "en")
    assert page.html.find("h1").get_text() == "Manage jobs"


def test_an_unknown_language_changes_nothing(as_user, post):
    client = as_user("alice")
    post("/language", {"locale": "xx", "next": "/jobs/"})
    assert html_lang(client.get("/jobs/")) == "en"


def test_the_choice_is_remembered_on_the_account(as_user, testapp, post, db):
    client = as_user("alice")
    pick(client, "fr")
    db.session.expire_all()
    assert User.by_username("alice").locale == "fr"
    post("/logout")
    testapp.reset()  # another browser: nothing in its session
    assert html_lang(testapp.get("/login")) == "en"
    login(testapp, "alice").follow()
    page = testapp.get("/jobs/")
    assert html_lang(page) == "fr"
    assert "Gérer les tâches" in page.text
    testapp.reset()
    login(testapp, "bob").follow()  # someone else's account is not affected
    assert html_lang(testapp.get("/jobs/")) == "en"


def test_an_anonymous_visitor_keeps_the_choice_for_the_browser_session(testapp):
    page = pick(testapp, "fr", "/login")
    assert html_lang(page) == "fr"
    assert page.html.find("h1").get_text() == "Se connecter"
    assert "Nom d'utilisateur" in text_of(page)
    assert "Mot de passe" in text_of(page)
    assert html_lang(testapp.get("/login")) == "fr"  # still, on the next request
    testapp.reset()  # a new browser session
    assert html_lang(testapp.get("/login")) == "en"


@pytest.mark.parametrize(
    ("header", "expected"),
    [("fr", "fr"), ("fr-CA,fr;q=0.9,en;q=0.5", "fr"), ("de-DE,de;q=0.9", "en"), ("en-GB,en;q=0.8,fr;q=0.5", "en")],
)
def test_accept_language_is_the_default(testapp, header, expected):
    page = testapp.get("/login", headers={"Accept-Language": header})
    assert html_lang(page) == expected
    assert ("Se connecter" in page.text) == (expected == "fr")


def test_accept_language_yields_to_the_saved_choice(as_user, testapp, db, users):
    users["alice"].locale = "en"
    db.session.commit()
    as_user("alice")
    page = testapp.get("/jobs/", headers={"Accept-Language": "fr"})
    assert html_lang(page) == "en"


@pytest.fixture
def french_alice(db, users):
    users["alice"].locale = "fr"
    users["alice"].timezone = "America/Montreal"
    db.session.commit()


def test_a_french_jobs_page_has_french_headings_and_statuses_and_iso_dates_in_the_users_zone(
    as_user, make_job, french_alice
):
    make_job(
        "alice",
        JobStatus.COMPLETED,
        created_at=datetime(2026, 11, 23, 16, 5, 1),
        finished_at=datetime(2026, 11, 23, 16, 7, 42),
    )
    make_job("alice", JobStatus.ERROR, created_at=datetime(2026, 11, 23, 16, 10, 0))
    make_job("alice", JobStatus.CANCELED, created_at=datetime(2026, 11, 23, 16, 20, 0))
    make_job(
        "alice", JobStatus.RUNNING, created_at=datetime(2026, 11, 23, 17, 0, 0), progress_done=12, progress_total=48
    )
    make_job("alice", JobStatus.QUEUED, created_at=datetime(2026, 11, 23, 17, 1, 0))
    page = as_user("alice").get("/jobs/")
    table = page.html.find("table", class_="jobs")
    assert [th.get_text(strip=True) for th in table.thead.find_all("th")] == FRENCH_HEADINGS
    assert table.caption.get_text(strip=True) == "Toutes les tâches, les plus récentes en premier"
    queued, running, canceled, failed, completed = table_rows(page)
    assert [row["Statut de la tâche"] for row in (queued, running, completed, failed, canceled)] == [
        "En file d'attente",
        "En cours",
        "Terminée",
        "Erreur",
        "Annulée",
    ]
    assert completed["Nom de la tâche"] == "Générer un instrument de recherche"
    # ISO 8601 in every language, in the user's time zone (UTC-5 in November).
    assert (completed["Date de début"], completed["Date de fin"]) == ("2026-11-23 11:05:01", "2026-11-23 11:07:42")
    assert queued["Date de fin"] == "s.o."
    assert "12 sur 48 descriptions (25 %)" in running["Info"]  # (a no-break space before %, collapsed by table_rows)
    status_filter = page.html.find("select", id="filter-status")
    assert [o.get_text() for o in status_filter.find_all("option")][1:] == [
        "En file d'attente",
        "En cours",
        "Terminée",
        "Erreur",
        "Annulée",
    ]


def test_the_status_json_speaks_the_page_language(as_user, make_job, french_alice, testapp):
    job = make_job("alice", JobStatus.RUNNING)
    as_user("alice")
    assert testapp.get(f"/jobs/{job.id}/status.json").json["status"] == "En cours"
    page = testapp.get(f"/jobs/{job.id}")
    assert "Console output" not in page.text
    assert "Sortie de la console" in page.text


def test_a_french_users_csv_stays_english(as_user, make_job, read_csv, french_alice):
    for status in JobStatus:
        make_job("alice", status, created_at=datetime(2026, 11, 23, 16, 5, 1), info=f"{status.value} info")
    as_user("alice")
    assert "Gérer les tâches" in as_user("alice").get("/jobs/").text  # the UI is French...
    header, rows = read_csv()  # ...the CSV is the contract's English
    assert header == "startDate,endDate,jobName,jobStatus,jobInfo,jobUser,jobId"
    assert sorted(row["jobStatus"] for row in rows) == ["Canceled", "Completed", "Error", "Queued", "Running"]
    assert {row["jobName"] for row in rows} == {"Generate finding aid"}
    assert {row["startDate"] for row in rows} == {"2026-11-23 16:05:01"}  # site time zone (UTC), ISO


def test_flash_messages_and_form_errors_are_translated(as_user, post, make_job, french_alice, fonds):
    make_job("alice", JobStatus.COMPLETED)
    as_user("alice")
    page = post("/jobs/clear").follow()
    assert "1 tâche inactive effacée." in text_of(page)
    page = post("/jobs/new/move_description", {"record": "", "new_parent": ""})
    assert page.status_int == 400
    assert "Veuillez corriger les champs ci-dessous" in text_of(page)
    assert "Choisissez une description parmi les suggestions" in text_of(page)
    page = post(f"/descriptions/{fonds}/finding-aid", {"format": "doc"})
    assert "Choisissez un format d'instrument de recherche" in text_of(page)


def test_levels_and_publication_status_are_translated_on_pages_only(as_user, french_alice, fonds):
    page = as_user("alice").get("/descriptions/")
    row = page.html.find("table").tbody.find("tr")
    cells = [td.get_text(strip=True) for td in row.find_all("td")]
    assert "Fonds" in cells
    assert "Publiée" in cells or "Brouillon" in cells
    page = as_user("alice").get(f"/descriptions/{fonds}")
    assert "Niveau de description" in text_of(page)
    assert "Série" in text_of(page)


def test_error_pages_are_translated(as_user, french_alice):
    page = as_user("alice").get("/jobs/999999", status=404)
    assert "Introuvable" in text_of(page)
    assert "Il n'existe aucune tâche 999999 que vous puissiez voir." in text_of(page)
