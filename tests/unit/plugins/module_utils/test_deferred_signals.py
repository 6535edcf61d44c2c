# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Signals that would end a module process are held and named while a task runs, and let go after."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import signal
import threading

import pytest

from ansible_collections.hwcloud.dli.plugins.module_utils.deferred_signals import DeferredSignals


@pytest.mark.parametrize("name", ["SIGTERM", "SIGINT", "SIGHUP"])
def test_a_signal_is_held_and_named_and_the_handler_before_is_back_after(name):
    number = getattr(signal, name)
    seen = []
    before = signal.signal(number, lambda *args: seen.append("before"))
    try:
        signals = DeferredSignals()
        with signals:
            assert signals() is None and signals.report() == ""
            os.kill(os.getpid(), number)
            os.kill(os.getpid(), signal.SIGTERM)
        assert signals() == name and seen == []
        assert signals.report().startswith(" The module process received %s" % name)
        os.kill(os.getpid(), number)
        assert seen == ["before"]
    finally:
        signal.signal(number, before)


def test_outside_the_main_thread_nothing_is_held_and_nothing_fails():
    outcome = []

    def enter():
        with DeferredSignals() as signals:
            outcome.append(signals.previous)

    thread = threading.Thread(target=enter)
    thread.start()
    thread.join()
    assert outcome == [{}]
