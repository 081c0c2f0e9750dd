"""``python -m kgraph`` runs the same command as the ``kgraph`` script."""

from .cli import main

if __name__ == "__main__":
    main()
