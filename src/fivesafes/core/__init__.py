"""Pure logic: phase table, event -> plan, gates, crate spec, ledger chain; no I/O."""
