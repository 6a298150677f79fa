"""Use cases: plain classes joining the platform client, the journal and the printer.

They take their collaborators in the constructor and run on worker threads;
the UI calls them through ``kiosk.ui.tasks.TaskRunner``.
"""
