"""A running job's console output: per-job capture of stdout and log records, and the flusher."""
