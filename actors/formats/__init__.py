"""The formats descriptions come in and go out as: AtoM CSV (atom_csv/), EAD 2002 and EAD3 (ead/),
each with its reader and writer; what an import plans and writes (load/); the checks every
input passes first (uploads, xml_safety, limits). Used by job types, the web and the CLI."""

FORMAT_NAMES = {"csv": "AtoM CSV", "ead": "EAD 2002 XML", "ead3": "EAD3 XML"}  # what comes in and goes out, by key
