"""Sales channels: where orders come from, which locations serve them, what they may publish."""
