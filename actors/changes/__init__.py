"""What jobs change in the descriptions: the ledger they write (ledger), what people read of it (reading)."""
