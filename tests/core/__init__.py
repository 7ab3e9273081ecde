"""Tests of the base layer."""
