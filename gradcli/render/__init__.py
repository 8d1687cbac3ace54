"""The only code that formats: tensors (PyTorch's repr), diagnostics (errors with a caret), JSON."""
