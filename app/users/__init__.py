"""Who is acting: users, their roles and teams."""
