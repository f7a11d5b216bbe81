/*
 * Numbered schema migrations (internal to store/ and to later modules that add their own).
 */
#ifndef CC_STORE_SCHEMA_H
#define CC_STORE_SCHEMA_H

/* Number of migrations; the schema version a current database has. */
int cc_schema_count(void);
/* SQL of migration N (1-based), or NULL. */
const char *cc_schema_migration(int n);

#endif
