"""Django's SQLite backend with the planner's statistics kept (see `base`)."""
