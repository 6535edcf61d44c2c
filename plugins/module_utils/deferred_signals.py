# -*- coding: utf-8 -*-
# Copyright (c) 2026, hwcloud.dli contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Signals that would end a module process held until its task is done: a restart cut short between
its stop and its start leaves a stream down, so a plan begun is carried through (every wait of it is
bounded by wait_timeout) and the task reports the signal; a plan not begun yet is not begun."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import signal

# What a user, a CI runner or a supervisor sends to end a process; SIGKILL cannot be held.
HELD_SIGNALS = ("SIGTERM", "SIGINT", "SIGHUP")


class DeferredSignals:
    """A context in which HELD_SIGNALS are recorded instead of ending the process; the earlier
    handlers are back on exit. Calling it names the first signal received, or gives None."""

    def __init__(self):
        self.received = []
        self.previous = {}

    def __enter__(self):
        for name in HELD_SIGNALS:
            number = getattr(signal, name, None)
            if number is None:  # not on this platform
                continue
            try:
                self.previous[number] = signal.signal(number, self.hold)
            except ValueError:  # not the main thread: nothing can be held
                continue
        return self

    def __exit__(self, *exc_info):
        for number, handler in self.previous.items():
            signal.signal(number, handler)
        self.previous = {}
        return False

    def hold(self, number, dummy_frame):
        self.received.append(signal.Signals(number).name)

    def __call__(self):
        return self.received[0] if self.received else None

    def report(self):
        """The sentence a task's message ends with after a signal, or an empty string."""
        if not self.received:
            return ""
        return (" The module process received %s while the task was running: it carried the task through "
                "before exiting." % ", ".join(sorted(set(self.received), key=self.received.index)))


__all__ = ["DeferredSignals", "HELD_SIGNALS"]
