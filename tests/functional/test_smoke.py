from models import Job, JobStatus


def test_launch_and_run(as_user, fonds, run_jobs, db):
    app = as_user("alice")
    page = app.get(f"/descriptions/{fonds}")
    form = page.forms[1]
    form["format"] = "pdf"
    page = form.submit().follow()
    assert "Launched" in page.text
    run_jobs()
    job = db.session.scalars(db.select(Job)).one()
    print(job.status, job.info, job.output)
    page = app.get("/jobs/")
    assert "Generate finding aid" in page.text
