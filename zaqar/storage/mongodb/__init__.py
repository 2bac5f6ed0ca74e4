"""MongoDB data driver: queues, messages, claims and subscriptions."""
