"""What jobs change in the descriptions: the ledger they write (recording), what people read of
it (reading), and the plan and work of an Undo (plan, undo, recreate, summary)."""
