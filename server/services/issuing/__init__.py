"""Issuing and printing: the visitor's ticket, what goes on its paper, who prints it."""
