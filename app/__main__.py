"""`python -m app` is the same as the `revdesk` console script."""

from app.cli import entry_point

if __name__ == "__main__":
    entry_point()
