"""customer list cold pages: indexes for the country / churn-risk filters, trigram search index (decision 042)

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-26 17:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

# The same statements as xsight.models.search_index at this revision, frozen here.
ADD = ("INSERT INTO customer_facts_search (rowid, name_key, email) "
       "VALUES (new.customer_id, new.name_key, new.email);")
REMOVE = ("INSERT INTO customer_facts_search (customer_facts_search, rowid, name_key, email) "
          "VALUES ('delete', old.customer_id, old.name_key, old.email);")
SQLITE_DDL = (
    "CREATE VIRTUAL TABLE customer_facts_search USING fts5(name_key, email, content='', "
    "tokenize='trigram case_sensitive 0')",
    f"CREATE TRIGGER customer_facts_search_insert AFTER INSERT ON customer_facts BEGIN {ADD} END",
    f"CREATE TRIGGER customer_facts_search_delete AFTER DELETE ON customer_facts BEGIN {REMOVE} END",
    "CREATE TRIGGER customer_facts_search_update AFTER UPDATE OF customer_id, name_key, email "
    f"ON customer_facts BEGIN {REMOVE} {ADD} END",
    "INSERT INTO customer_facts_search (rowid, name_key, email) "
    "SELECT customer_id, name_key, email FROM customer_facts",
)
TRIGRAM_INDEXES = {'ix_customer_facts_name_trgm': 'name_key gin_trgm_ops',
                   'ix_customer_facts_email_trgm': 'lower(email) gin_trgm_ops'}
FILTER_INDEXES = (('ix_customer_facts_shop_country', ['shop_id', 'country', 'churn_risk', 'customer_id']),
                  ('ix_customer_facts_shop_churn', ['shop_id', 'churn_risk', 'customer_id']))


def upgrade():
    with op.batch_alter_table('customer_facts', schema=None) as batch_op:
        for name, columns in FILTER_INDEXES:
            batch_op.create_index(name, columns, unique=False)
    # SQLite: the FTS5 table, its triggers and the rows already there; PostgreSQL: pg_trgm indexes,
    # skipped (search scans) when the extension cannot be created.
    bind = op.get_bind()
    if bind.dialect.name == 'sqlite':
        if bind.exec_driver_sql("SELECT sqlite_compileoption_used('ENABLE_FTS5')").scalar():
            for statement in SQLITE_DDL:
                op.execute(statement)
        return
    try:
        with bind.begin_nested():
            bind.exec_driver_sql('CREATE EXTENSION IF NOT EXISTS pg_trgm')
            for name, column in TRIGRAM_INDEXES.items():
                bind.exec_driver_sql(f'CREATE INDEX {name} ON customer_facts USING gin ({column})')
    except sa.exc.DBAPIError:
        pass  # no pg_trgm here: search scans, as before this revision


def downgrade():
    if op.get_bind().dialect.name == 'sqlite':
        for suffix in ('insert', 'delete', 'update'):
            op.execute(f'DROP TRIGGER IF EXISTS customer_facts_search_{suffix}')
        op.execute('DROP TABLE IF EXISTS customer_facts_search')
    else:
        for name in TRIGRAM_INDEXES:
            op.execute(f'DROP INDEX IF EXISTS {name}')
    with op.batch_alter_table('customer_facts', schema=None) as batch_op:
        for name, _ in FILTER_INDEXES:
            batch_op.drop_index(name)
