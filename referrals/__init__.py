"""Referrals, cases, the adults and children in them, and pre-visits (issue 3)."""
