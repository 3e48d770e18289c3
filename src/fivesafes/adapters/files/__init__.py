"""Project files on disk: request files, TOML edits, schemas, the template."""
