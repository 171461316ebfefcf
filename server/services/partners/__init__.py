"""The provincial platform (一网通办): partner devices, signed requests, webhooks from an outbox."""
