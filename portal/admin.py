"""Apps are registered in the admin under single sign-on (sso.admin)."""
