"""Redis data driver: queues, messages, claims and subscriptions in Redis."""
