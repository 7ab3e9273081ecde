"""The retention schedule, the nightly sweep, the disposal queue and disposal itself (issue 6)."""
