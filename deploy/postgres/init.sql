-- One database per service, each owned by a role of its own: a service cannot read another's
-- tables, so the family's details stay with the referral service. Run once, by the postgres
-- image on its first start (docker-entrypoint-initdb.d). Development passwords: change them,
-- and the KRING_DB_* URLs with them, in production.
CREATE ROLE kring_referral LOGIN PASSWORD 'kring_referral';
CREATE DATABASE kring_referral OWNER kring_referral;
CREATE ROLE kring_matching LOGIN PASSWORD 'kring_matching';
CREATE DATABASE kring_matching OWNER kring_matching;
CREATE ROLE kring_casework LOGIN PASSWORD 'kring_casework';
CREATE DATABASE kring_casework OWNER kring_casework;
CREATE ROLE kring_aftercare LOGIN PASSWORD 'kring_aftercare';
CREATE DATABASE kring_aftercare OWNER kring_aftercare;
CREATE ROLE kring_notify LOGIN PASSWORD 'kring_notify';
CREATE DATABASE kring_notify OWNER kring_notify;
CREATE ROLE kring_portal LOGIN PASSWORD 'kring_portal';
CREATE DATABASE kring_portal OWNER kring_portal;
