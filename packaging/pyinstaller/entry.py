"""The single binary's entry point: the same `ebanista` command that pip installs."""

from appliance.launch import run

if __name__ == "__main__":
    run()
