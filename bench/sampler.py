"""A wall-clock stack sampler for `kring run`, for bench/throughput.py --profile.

    python bench/sampler.py REPORT SCRIPT [ARGS...]   # runs SCRIPT (a console script) in-process

Why not pyinstrument: Kring runs on eventlet, every green thread on the one OS thread, and
pyinstrument follows the OS thread's call stack, which greenlet switches away from under it: it
reported the start of `kring run` and nothing of the load. A signal every INTERVAL seconds of wall-clock time looks at whatever
frame is running at that moment instead: the green thread doing work, the hub waiting in epoll
when nothing is, or (a signal waits for a C call to return) the Python frame that made a
blocking call such as SQLite's commit, which stops every green thread of the process while it
lasts. The report, written at exit, counts samples per function inclusively (anywhere on the
stack) and by the innermost frame. SIGUSR1 forgets the samples so far (the start, say).
"""
import atexit
import collections
import runpy
import signal
import sys
from pathlib import Path

INTERVAL = 0.005
IDLE = "eventlet/hubs/"  # the innermost frame in the hub: waiting in epoll, nothing to do

samples = collections.Counter()
# frames on (nearly) every stack, which say nothing about where the time goes
PLUMBING = ("eventlet/greenthread.py:main", "nameko/containers.py:_run_worker",
            "nameko/utils/concurrency/__init__.py:call", "eventlet/hubs/hub.py:run",
            "eventlet/hubs/hub.py:switch", "eventlet/hubs/hub.py:fire_timers")


def _where(code):
    path = code.co_filename
    for marker in ("/site-packages/", "/wt-bench/", "/kring/", "/lib/python3"):
        if marker in path:
            path = path.split(marker, 1)[1]
            break
    return f"{path}:{code.co_name}"


def _sample(_signum, frame):
    stack = []
    while frame is not None:
        stack.append(_where(frame.f_code))
        frame = frame.f_back
    samples[tuple(stack)] += 1


def report(path):
    signal.setitimer(signal.ITIMER_REAL, 0)  # no more samples, no SIGALRM during shutdown
    signal.signal(signal.SIGALRM, signal.SIG_IGN)
    taken = dict(samples)
    total = sum(taken.values()) or 1
    inclusive, innermost = collections.Counter(), collections.Counter()
    for stack, n in taken.items():
        for name in set(stack) - set(PLUMBING):
            inclusive[name] += n
        innermost[stack[0] if stack else "?"] += n
    idle = sum(n for stack, n in taken.items() if stack and stack[0].startswith(IDLE))
    lines = [f"{total} samples, one every {INTERVAL * 1000:g} ms of wall-clock time; "
             f"{idle / total:.0%} with the hub idle (waiting in epoll)", "",
             "inclusive (the function anywhere on the stack), top 60:"]
    lines += [f"  {n / total:6.1%}  {name}" for name, n in inclusive.most_common(60)]
    lines += ["", "innermost Python frame (where the time is spent), top 40:"]
    lines += [f"  {n / total:6.1%}  {name}" for name, n in innermost.most_common(40)]
    Path(path).write_text("\n".join(lines) + "\n")


def main():
    out, script, *args = sys.argv[1:]
    sys.argv = [script, *args]
    atexit.register(report, out)
    signal.signal(signal.SIGALRM, _sample)
    signal.signal(signal.SIGUSR1, lambda *_: samples.clear())
    signal.setitimer(signal.ITIMER_REAL, INTERVAL, INTERVAL)
    runpy.run_path(script, run_name="__main__")


if __name__ == "__main__":
    main()
