"""The operator's terminal console (`ebanista console`): a Textual app, a client of the admin API only."""
