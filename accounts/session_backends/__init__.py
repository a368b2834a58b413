"""Session engines that write a new session once per request.

Django's database engines write a new session twice at sign-in: cycle_key()
inserts the new row at once (after a SELECT looking for a key clash), then
SessionMiddleware updates the same row again at response time because
SESSION_SAVE_EVERY_REQUEST is on (that is what makes the cookie age an idle
timeout). The engines here insert the row once, at the first save, and skip a
later save in the same request when nothing has changed since; every other
behaviour (idle timeout, key cycling, reset ending sessions) is Django's.
"""
