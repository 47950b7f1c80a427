"""`python -m pejling` runs the command line."""

from pejling.cli.app import main

main()
