"""The petitions API (CONTRACT §8): thin DRF views over the services and selectors of this app."""
