"""Exceptions that end a job in a particular way."""


class JobCanceled(Exception):
    """Raised at a checkpoint when a user asked to cancel the running job."""

    def __init__(self, canceled_by: str | None) -> None:
        super().__init__(f"Canceled by {canceled_by}." if canceled_by else "Canceled.")
        self.canceled_by = canceled_by
