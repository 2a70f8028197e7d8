"""The single binary's entry point: the same `ebanista` command that pip installs."""

from appliance.cli import main

if __name__ == "__main__":
    main()
