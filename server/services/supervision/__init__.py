"""电子监察: the supervision rules on the hub, their alerts, the monthly review."""
