"""search on PostgreSQL: a word table for one word, a word-pair index for two

Type-ahead on PostgreSQL at a million accounts missed its 15 ms target with the 0007
full-text index: GIN cannot stop early, so `'bra':*` first gathers every one of ~10,000
matching accounts before LIMIT 100 is applied, and two prefixes ("mar rob") intersect two
such sets (18-50 ms). Two structures that answer in about a millisecond instead:

* `account_search_word` (word, search_key): one row per distinct word of `search_text`,
  kept in step by a trigger. A one-word prefix is a B-tree range scan that stops at the
  first 100 entries; whole words sort before longer ones ("roberts" before "robertson").
* `revdesk_search_pairs(search_text)`: for every two words of an account, their first three
  characters in byte order joined by "_" ("mar_rob"); a GIN index on it answers two typed
  prefixes with one exact key. Long runs of digits (the account reference, which search
  reaches by its own index) are left out to keep the index small (~30 keys per account).

Both are maintained by PostgreSQL itself, bulk loads included (the trigger is ENABLE
ALWAYS, so it also fires when a loader sets session_replication_role = replica). The 0007
vector is dropped: the word table answers everything it did. SQLite keeps its FTS5 index.

Revision ID: 0008
Revises: 0007
"""

from typing import Sequence, Union

from alembic import op

revision: str = "0008"
down_revision: Union[str, None] = "0007"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

# Words of a search text: it is " word word ...", lower-case [0-9a-z] separated by single spaces.
_WORDS = "unnest(string_to_array(btrim({0}), ' '))"


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX IF EXISTS ix_account_search_vector")
    op.execute("ALTER TABLE account DROP COLUMN IF EXISTS search_vector")

    op.execute(
        'CREATE TABLE account_search_word (word text COLLATE "C" NOT NULL, search_key bigint NOT NULL, '
        "CONSTRAINT pk_account_search_word PRIMARY KEY (word, search_key))"
    )
    op.execute(f"""
        CREATE FUNCTION revdesk_account_search_words() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF TG_OP IN ('UPDATE', 'DELETE') THEN
            DELETE FROM account_search_word
             WHERE search_key = OLD.search_key AND word = ANY (string_to_array(btrim(OLD.search_text), ' '));
          END IF;
          IF TG_OP IN ('INSERT', 'UPDATE') THEN
            INSERT INTO account_search_word (word, search_key)
            SELECT DISTINCT w, NEW.search_key FROM {_WORDS.format("NEW.search_text")} AS w WHERE w <> ''
            ON CONFLICT DO NOTHING;
          END IF;
          RETURN NULL;
        END $$
    """)
    op.execute(
        "CREATE TRIGGER account_search_words AFTER INSERT OR DELETE OR UPDATE OF search_text, search_key "
        "ON account FOR EACH ROW EXECUTE FUNCTION revdesk_account_search_words()"
    )
    op.execute("ALTER TABLE account ENABLE ALWAYS TRIGGER account_search_words")
    op.execute(
        "INSERT INTO account_search_word (word, search_key) "
        f"SELECT DISTINCT w, a.search_key FROM account a, {_WORDS.format('a.search_text')} AS w WHERE w <> ''"
    )

    # `~<=~` compares bytes whatever the database's collation, as Python's sorted() does.
    op.execute(f"""
        CREATE FUNCTION revdesk_search_pairs(search_text text) RETURNS text[]
        LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
        DECLARE
          w text[] := ARRAY(SELECT left(x, 3) FROM {_WORDS.format("search_text")} AS x
                            WHERE x <> '' AND NOT (length(x) >= 6 AND x ~ '^[0-9]+$'));
          n int := cardinality(w);
          pairs text[] := '{{}}';
        BEGIN
          FOR i IN 1 .. n - 1 LOOP
            FOR j IN i + 1 .. n LOOP
              IF w[i] ~<=~ w[j] THEN pairs := pairs || (w[i] || '_' || w[j]);
              ELSE pairs := pairs || (w[j] || '_' || w[i]);
              END IF;
            END LOOP;
          END LOOP;
          RETURN pairs;
        END $$
    """)
    op.execute("SET LOCAL maintenance_work_mem = '256MB'")
    op.execute(
        "CREATE INDEX ix_account_search_pairs ON account USING gin (revdesk_search_pairs(search_text)) "
        "WITH (fastupdate = off)"
    )
    op.execute("ANALYZE account_search_word")
    op.execute("ANALYZE account")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX IF EXISTS ix_account_search_pairs")
    op.execute("DROP FUNCTION IF EXISTS revdesk_search_pairs(text)")
    op.execute("DROP TRIGGER IF EXISTS account_search_words ON account")
    op.execute("DROP FUNCTION IF EXISTS revdesk_account_search_words()")
    op.execute("DROP TABLE IF EXISTS account_search_word")
    op.execute(
        "ALTER TABLE account ADD COLUMN search_vector tsvector "
        "GENERATED ALWAYS AS (to_tsvector('simple', search_text)) STORED"
    )
    op.execute("CREATE INDEX ix_account_search_vector ON account USING gin (search_vector) WITH (fastupdate = off)")
