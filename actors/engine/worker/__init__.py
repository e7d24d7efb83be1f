"""Worker processes: one process and its heartbeat, the supervisor of N, the reaper of lost jobs."""
