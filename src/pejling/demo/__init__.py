"""The demo workspace: the four seed policies and their published figures."""
