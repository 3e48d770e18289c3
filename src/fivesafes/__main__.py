"""``python -m fivesafes`` runs the CLI (handy where the console script is not on PATH)."""

from fivesafes.cli.main import main

main()
