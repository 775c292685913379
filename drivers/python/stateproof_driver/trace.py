"""Recording what a scenario's steps observe, as the spec's events."""


def other_exception(e):
    """How a driver reports an exception the spec has no name for:
    `Other:<type name>:<str(e)>` (docs/driver-protocol.md). The checker, not
    the driver, decides whether the spec allows it (it never names one)."""
    try:
        message = str(e)
    except Exception as inner:  # a __str__ that raises is itself worth reporting
        message = "<str raised %s>" % (type(inner).__name__,)
    return "Other:%s:%s" % (type(e).__name__, message)


def other_value(v):
    """How a driver reports a value the spec has no name for: `Value:<repr(v)>`."""
    try:
        return "Value:%r" % (v,)
    except Exception as e:  # a repr that raises is itself worth reporting
        return "Value:<repr raised %s>" % (type(e).__name__,)


class Inapplicable(Exception):
    """A step that cannot be performed in the implementation's current state
    (e.g. a body reaction while the body is not running). The scenario stops
    there; the checker reports the divergence."""


class Unsupported(Exception):
    """A feature this interpreter does not have."""


class Recorder:
    """Collects one list of events per scenario step.

    `current` is the index of the step whose effects are being observed; a
    step that resumes a generator body keeps observing until the body takes
    its next reaction step (which then becomes current)."""

    def __init__(self, steps):
        self.steps = steps
        self.events = [None] * len(steps)
        self.current = -1
        self.stop = None  # (index, key, reason) when the scenario ended early

    def begin(self, index):
        self.current = index
        self.events[index] = []

    def emit(self, name, **args):
        if self.current >= 0 and self.events[self.current] is not None:
            self.events[self.current].append({"event": name, "args": args})

    def result(self):
        out = []
        for i, ev in enumerate(self.events):
            if self.stop is not None and i == self.stop[0]:
                entry = {self.stop[1]: self.stop[2]}
                if ev:
                    entry["events"] = ev
                out.append(entry)
                break
            if ev is None:
                break
            out.append({"events": ev})
        return out
