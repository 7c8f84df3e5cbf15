"""The proof of the suite's verdicts, shared by `tests/` (which asserts it) and `benchmarks/`
(which measures it): variant servers whose verdicts are known (`variants/`), the suite run as a
user runs it (`suite_runs.py`), and servers started in processes of their own (`processes.py`)."""
