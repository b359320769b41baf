"""The frozen build's entry point: the same `revdesk` command as the console script.

`freeze_support` first: demo data is generated in a spawned worker process, which in a
frozen build starts this same executable and must be handed to multiprocessing, not to the
command line.
"""

import multiprocessing

if __name__ == "__main__":
    multiprocessing.freeze_support()
    from app.cli import entry_point

    entry_point()
