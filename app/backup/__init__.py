"""Backup and restore of a whole installation: `flask backup create PATH`, `flask backup restore PATH`."""
