"""Backups: the database, the media files and a manifest that proves a restore complete
(`manage.py backup DIR`, `manage.py restore DIR`)."""
