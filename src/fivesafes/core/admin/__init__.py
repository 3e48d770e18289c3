"""Repository administration: init edits, doctor's judgements, settings, pins."""
