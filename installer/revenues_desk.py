"""The frozen build's entry point: the same `revdesk` command as the console script.

`freeze_support` first: demo data is generated in a spawned worker process, which in a
frozen build starts this same executable and must be handed to multiprocessing, not to the
command line. If the application cannot even be imported (a broken installation), the
details go to the log file like any other crash (app.crashlog) instead of a traceback.
"""

import multiprocessing
import sys

if __name__ == "__main__":
    multiprocessing.freeze_support()
    try:
        from app.cli import entry_point
    except Exception:
        from app.crashlog import crash_sentence, log_crash

        print(f"revdesk: {crash_sentence(log_crash(*sys.exc_info()))}", file=sys.stderr)
        sys.exit(1)
    entry_point()
