"""Play one party of a scenario against the agents model's strategies (``accord play``, the dashboard)."""
