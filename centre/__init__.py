"""The centre itself: its profile, the people who work there, their accounts and roles."""
