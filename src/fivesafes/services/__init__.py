"""The lifecycle's commands as services: execute, disclose, publish, import."""
