"""`pinpoint-conformance load`: load on the User resource, driven by Locust, with every response
judged by the suite's own per-response rules.

Locust runs in processes of its own (`python -m locust -f locustfile.py`): it monkey-patches the
standard library with gevent when it is imported, so only locustfile.py imports it, and the command
(command.py), the judging (history.py, judge.py, tally.py) and the reports stay plain Python.
"""
