-- Runs once, when the PostgreSQL volume is first created: the shop database of config-examples/cdc-postgres-*.yaml
-- with a CDC user (REPLICATION attribute, reads the tables) and two tables to capture.
CREATE ROLE cdc WITH LOGIN REPLICATION PASSWORD 'cdc-secret';
CREATE TABLE public.customers (id serial PRIMARY KEY, name text NOT NULL, email text);
CREATE TABLE public.orders (
    id serial PRIMARY KEY,
    customer_id int REFERENCES public.customers (id),
    item text NOT NULL,
    qty int NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
GRANT SELECT ON ALL TABLES IN SCHEMA public TO cdc;
-- the connector creates its publication for the included tables (publication.autocreate.mode: filtered)
ALTER TABLE public.customers OWNER TO cdc;
ALTER TABLE public.orders OWNER TO cdc;
INSERT INTO public.customers (name, email) VALUES ('Ada', 'ada@example.com'), ('Linus', 'linus@example.com');
INSERT INTO public.orders (customer_id, item, qty) VALUES (1, 'apple', 3), (2, 'pear', 1);
