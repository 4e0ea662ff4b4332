"""Job targets for the job-manager tests: top-level so a spawned process can import them."""

import os
import time


def count_up(config, reporter):
    for step in range(config["steps"]):
        if reporter.should_stop():
            return {"last": step - 1, "stopped": True}
        reporter.report({"step": step, "pid": os.getpid()})
        time.sleep(config.get("sleep", 0.0))
    return {"last": config["steps"] - 1, "stopped": False}


def crash(config, reporter):
    reporter.report({"step": 0})
    raise ValueError("broken on purpose")


def ignore_stop(config, reporter):
    while True:
        time.sleep(0.05)


def describe_main(config, reporter):
    """Reports which module is ``__main__`` in the child, after printing to stdout (which must not break frames)."""
    import sys

    print("a stray print from the job", flush=True)
    main = sys.modules["__main__"]
    reporter.report({"main": getattr(main.__spec__, "name", None), "file": getattr(main, "__file__", None)})
    return "ok"


def describe_priority(config, reporter):
    """The child's scheduling class and nice value, read in a thread it starts (torch's pool starts like this)."""
    import threading

    seen = {}

    def read():
        seen["idle_class"] = os.sched_getscheduler(0) == os.SCHED_IDLE
        seen["nice"] = os.getpriority(os.PRIO_PROCESS, 0)

    thread = threading.Thread(target=read)
    thread.start()
    thread.join()
    return seen


def burst_then_wait(config, reporter):
    """Reports ``count`` records at once, then idles until stopped: the last ones must still reach the parent."""
    for step in range(config["count"]):
        reporter.report({"step": step})
    while not reporter.should_stop():
        time.sleep(0.02)
    return "stopped"
