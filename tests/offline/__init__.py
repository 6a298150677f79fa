"""Helpers of the offline tests and benchmarks: a synthetic population in the sandbox
store, the headless kiosk driver that the crash tests kill."""
