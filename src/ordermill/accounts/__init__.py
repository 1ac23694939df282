"""Users, roles, API keys, console sessions and the permissions each role carries."""
