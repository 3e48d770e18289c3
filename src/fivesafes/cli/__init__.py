"""click commands: wiring of adapters, exit codes."""
