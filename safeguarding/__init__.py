"""Safeguarding concerns, incidents, the accident book and safeguarding holds (issue 5)."""
