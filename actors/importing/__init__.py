"""Import jobs: AtoM CSV and EAD 2002 readers, the plan (match, parents), the writer, uploads."""
