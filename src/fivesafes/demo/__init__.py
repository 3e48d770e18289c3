"""The demo's stand-ins: a local GitHub, a synthetic source, the whole lifecycle run."""
