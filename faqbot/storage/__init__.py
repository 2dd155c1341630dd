"""The database, its migrations, and one store per feature that handlers await."""
