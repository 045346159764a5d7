"""Notifications: new alerts turned into Apprise messages (email, chat, webhooks), once each."""
