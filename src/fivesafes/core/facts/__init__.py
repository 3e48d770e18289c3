"""What the engine knows of GitHub: normalised events, facts, and their JSON form."""
