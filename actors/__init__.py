"""Background work: the broker, the tracking middleware, the job types and how jobs are sent.

Deliberately empty: PDF helper processes import actors.rendering and must not pay for
Flask, SQLAlchemy and Dramatiq (see actors.engine.runtime for the app's broker and actors)."""
