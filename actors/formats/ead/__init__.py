"""EAD 2002 finding aids: the reader (fields, dates, notes) and the writer."""
