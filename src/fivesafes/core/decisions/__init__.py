"""Who may decide and which decisions count: gates, the tally, the event's own decision."""
