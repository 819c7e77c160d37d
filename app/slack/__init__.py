"""The Slack bot: slack-bolt (async) on the client core and hosted plans, mounted at POST /slack/events."""
