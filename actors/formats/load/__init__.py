"""What an import does with the rows a reader gave: the plan (match, parents), then the writes."""
