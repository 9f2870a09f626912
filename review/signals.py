"""What the review app announces to the applicant side. The dependency runs one way: review
never imports ``projects.services``; the projects app listens (``projects.receivers``)."""

from __future__ import annotations

from django.dispatch import Signal

case_returned_for_correction = Signal()
"""Sent inside the return's transaction with ``case`` and ``items`` (the correction items as
text lines). The projects app opens its correction round; a receiver's error rolls back the move."""
