"""`python -m villegraph` runs the command-line interface."""

from villegraph.cli import main

if __name__ == "__main__":
    main()
