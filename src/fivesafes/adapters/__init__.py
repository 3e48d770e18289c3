"""The only code that touches the world: files, GitHub, git, rocrate, bagit/zip, executors."""
