"""Export jobs: AtoM CSV and EAD 2002 writers of a sub-tree, zipped."""
