"""Contact sessions, bookings, the volunteers' tablet register and supervised contact
reports (issue 4)."""
