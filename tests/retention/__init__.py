"""Tests of the retention schedule."""
