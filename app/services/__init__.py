"""Use cases. Each public function takes a UnitOfWork (or Database) and the acting user,
validates, checks roles, does its work in one transaction, audits, and returns DTOs."""
