"""Background work: the task registry (a leaf), the queue that runs tasks, the catalogue and the scheduler."""
