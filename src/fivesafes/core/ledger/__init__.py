"""The action record: its entries, hash chain, append-only history and what it says."""
