-- examples/kpi/readonly-role.sql: the role preflight's KPI checks log in
-- with (KPI_DATABASE_URL). It may read the kpi schema and nothing else,
-- and every session it opens is read-only. Run as the database owner,
-- with the password given on the command line:
--   psql -v ON_ERROR_STOP=1 -v pw="'...'" -f examples/kpi/readonly-role.sql
CREATE ROLE preflight_ro LOGIN PASSWORD :pw NOSUPERUSER NOCREATEDB
    NOCREATEROLE NOINHERIT;
ALTER ROLE preflight_ro SET default_transaction_read_only = on;
GRANT USAGE ON SCHEMA kpi TO preflight_ro;
GRANT SELECT ON ALL TABLES IN SCHEMA kpi TO preflight_ro;
ALTER DEFAULT PRIVILEGES IN SCHEMA kpi GRANT SELECT ON TABLES TO preflight_ro;
