"""The training loop: verified pairs, fine-tuning files, fine-tuning jobs and the served model."""
