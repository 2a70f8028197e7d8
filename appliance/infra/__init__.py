"""What the program runs on: settings, database, cache, storage, mail, keys, logs and the runtime that holds them."""
