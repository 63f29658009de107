"""Features, labels and training sets (issue #4); models follow."""
