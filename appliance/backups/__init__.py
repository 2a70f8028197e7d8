"""Backups of the appliance: one checksummed archive holding the database, the stored files and the
keys; restoring one into an empty data folder; nightly backups with retention."""
