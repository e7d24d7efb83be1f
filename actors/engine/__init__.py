"""The job engine: broker, launching, lifecycle, in-job context, middleware, output, workers.

Job types live beside it (``actors/<type>.py``) and call only ``actors.engine.context``."""
