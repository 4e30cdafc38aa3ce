"""`kring run`'s handling of SIGTERM and SIGINT (kring.runner.Stopper): one graceful stop
however many signals come, and an exit at the deadline whatever still holds the stop up."""
import logging
import signal

from kring.runner import EXIT_STOP_TOO_LONG, Stopper


class Recorder:
    """Stands in for the runner's stop, the deadline's thread and os._exit."""

    def __init__(self):
        self.stops, self.deadlines, self.exits = 0, [], []

    def stop(self):
        self.stops += 1

    def deadline(self, seconds, callback):
        self.deadlines.append((seconds, callback))

    def exit(self, code):
        self.exits.append(code)


def test_a_second_signal_starts_no_second_stop(caplog):
    seen = Recorder()
    stopper = Stopper(seen.stop, 25, seen.deadline, seen.exit)
    with caplog.at_level(logging.INFO, logger="kring"):
        stopper(signal.SIGTERM)
        stopper(signal.SIGTERM)
        stopper(signal.SIGINT)
    assert seen.stops == 1
    assert [seconds for seconds, _ in seen.deadlines] == [25]
    assert seen.exits == []
    assert caplog.text.count("already stopping") == 2


def test_at_the_deadline_the_process_exits_and_says_why(capfd):
    seen = Recorder()
    stopper = Stopper(seen.stop, 2.5, seen.deadline, seen.exit)
    stopper(signal.SIGTERM)
    (_, too_long), = seen.deadlines
    too_long()
    assert seen.exits == [EXIT_STOP_TOO_LONG]
    assert "ERROR kring: not stopped within 2.5 s of the signal: exiting now" in \
        capfd.readouterr().err
