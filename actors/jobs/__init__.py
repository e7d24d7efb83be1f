"""One module per job type: its form, its preview and the function the worker runs with a job
id. forms.py and records.py are what they share. Only the registry imports these modules."""
