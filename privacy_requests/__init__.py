"""Subject access and the other data protection rights, complaints and the disclosure log
(issue 7)."""
