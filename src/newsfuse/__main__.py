"""`python -m newsfuse` runs the command line."""

from newsfuse.cli import main

main()
