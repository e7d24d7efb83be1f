"""AtoM's archival-description CSV: its columns, the reader and the writer."""
