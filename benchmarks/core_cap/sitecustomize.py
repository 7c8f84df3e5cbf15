"""Imported at start-up by every Python process of a run that has this folder on its path
(benchmarks/slow_cores.py puts it there): the process moves itself into a cgroup of its own,
capped at $PINPOINT_CORE_SHARE of one core, under $PINPOINT_CORE_CAP_ROOT (cgroup v1's cpu
controller). Children inherit the path, so each one caps itself in turn."""

import os

_share = float(os.environ.get("PINPOINT_CORE_SHARE") or 0)
_root = os.environ.get("PINPOINT_CORE_CAP_ROOT")
if _share > 0 and _root:
    _group = os.path.join(_root, f"p{os.getpid()}")
    os.makedirs(_group, exist_ok=True)
    _period = 10_000  # µs: short periods, so that a capped process is held back in small steps
    for _name, _value in (("cpu.cfs_period_us", _period), ("cpu.cfs_quota_us", int(_period * _share)),
                          ("cgroup.procs", os.getpid())):  # fmt: skip
        with open(os.path.join(_group, _name), "w") as _file:
            _file.write(str(_value))
