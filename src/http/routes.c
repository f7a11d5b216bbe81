/*
 * The route table: method, pattern, handler, roles, and what the OpenAPI document says of it.
 * The OpenAPI document (openapi.c) and the dispatcher (core.c) both read this table, so they
 * cannot drift apart.
 */
#include "http/handlers.h"

#define ALL HTTP_ROLES_ALL
#define STAFF HTTP_ROLES_STAFF
#define EDIT HTTP_ROLES_EDIT
#define ADMIN HTTP_ROLE_ADMIN
#define ANYONE HTTP_ROLE_ANYONE

const struct http_route http_routes[] = {
	{"POST", "/api/v1/login", h_login, ANYONE, "Log in; sets the session cookie, returns the CSRF token", "", "session"},
	{"POST", "/api/v1/logout", h_logout, ALL, "Log out", "", "session"},
	{"GET", "/api/v1/session", h_session, ANYONE, "The current user and CSRF token", "", "session"},
	{"GET", "/api/v1/openapi.json", h_openapi, ANYONE, "This document", "", "meta"},
	{"GET", "/api/v1/dashboard", h_dashboard, STAFF, "Counts and series for the home dashboard", "year:integer", "dashboard"},
	{"GET", "/api/v1/enterprises", h_enterprises, ALL, "Search enterprises (an enterprise user sees only itself)",
	 "q:string,uscc:string,region:integer,industry:string,chain:string,node:string,cert:string,listed:string,scale:string,sort:string,order:string,year:integer,limit:integer,cursor:string", "enterprises"},
	{"GET", "/api/v1/enterprises/{uscc}", h_enterprise, ALL, "An enterprise's profile with indicators over time", "", "enterprises"},
	{"PATCH", "/api/v1/enterprises/{uscc}", h_enterprise_patch, EDIT | HTTP_ROLE_ENTERPRISE, "Edit an enterprise's registry record (audited)", "", "enterprises"},
	{"PUT", "/api/v1/enterprises/{uscc}/indicators/{period}", h_indicators_put, EDIT | HTTP_ROLE_ENTERPRISE, "Set indicator values of one period (audited)", "", "enterprises"},
	{"POST", "/api/v1/imports", h_import, EDIT, "Import an interchange file (body: CSV or XLSX bytes)", "kind:string,filename:string", "data"},
	{"GET", "/api/v1/imports/{id}/rejects", h_import_rejects, EDIT, "The reject report of an import (CSV)", "", "data"},
	{"GET", "/api/v1/exports/{kind}", h_export, EDIT, "Export an interchange file", "format:string,zh:integer,chain:string,region:integer", "data"},
	{"GET", "/api/v1/enterprises/{uscc}/criteria", h_enterprise_criteria, ALL, "An enterprise against every official criteria set, clause by clause (an enterprise user: itself)", "year:integer,margin:number", "evaluation"},
	{"GET", "/api/v1/criteria", h_criteria, ALL, "The official criteria sets with their clauses and sources", "", "evaluation"},
	{"GET", "/api/v1/models", h_models, STAFF, "The evaluation models", "", "evaluation"},
	{"GET", "/api/v1/models/{model}/run", h_model_run, STAFF, "Run a model: ranked enterprises with score, tier and each indicator's contribution", "year:integer,limit:integer,cursor:string", "evaluation"},
	{"GET", "/api/v1/lists", h_lists, STAFF, "Cultivation lists with their latest version", "", "lists"},
	{"POST", "/api/v1/lists", h_list_create, EDIT, "Create a list from a model run (version 1, audited)", "", "lists"},
	{"GET", "/api/v1/lists/{list}", h_list, STAFF, "A version of a list (the latest by default) with its entries and reasons", "version:integer", "lists"},
	{"GET", "/api/v1/lists/{list}/versions", h_list_versions, STAFF, "The versions of a list", "", "lists"},
	{"GET", "/api/v1/lists/{list}/diff", h_list_diff, STAFF, "Entered, exited and changed tier between two versions (default: the latest against the one before), with reasons", "from:integer,to:integer", "lists"},
	{"POST", "/api/v1/lists/{list}/changes", h_list_change, EDIT, "A manual change with a mandatory reason: a new version (audited)", "", "lists"},
	{"GET", "/api/v1/lists/{list}/export", h_list_export, STAFF, "A version as the XLSX a commission circulates", "version:integer", "lists"},
	{"GET", "/api/v1/cases", h_cases, ALL, "一企一策 cases (an enterprise user: its own)", "status:string,department:string,overdue:integer", "cases"},
	{"POST", "/api/v1/cases", h_case_open, EDIT | HTTP_ROLE_ENTERPRISE, "Open a case (an enterprise user: for itself; audited)", "", "cases"},
	{"GET", "/api/v1/cases/{id}", h_case, ALL, "A case with its comments", "", "cases"},
	{"POST", "/api/v1/cases/{id}/moves", h_case_move, EDIT, "Move a case to another status with a comment (audited)", "", "cases"},
	{"POST", "/api/v1/cases/{id}/comments", h_case_comment, EDIT | HTTP_ROLE_ENTERPRISE, "Comment on a case (audited)", "", "cases"},
	{"GET", "/api/v1/postings", h_postings, ALL, "Supply and demand postings: text search (3+ characters FTS5 trigram, 1-2 a substring scan) and filters; contact details never listed", "q:string,kind:string,chain:string,node:string,region:integer,uscc:string,state:string,mine:integer,limit:integer,cursor:string", "matching"},
	{"POST", "/api/v1/postings", h_posting_create, EDIT | HTTP_ROLE_ENTERPRISE, "Post a supply or demand (an enterprise user: for itself; audited; delivered to subscriptions)", "", "matching"},
	{"GET", "/api/v1/postings/{posting}", h_posting, ALL, "One posting (contact details for its poster and staff only)", "", "matching"},
	{"PATCH", "/api/v1/postings/{posting}", h_posting_patch, EDIT | HTTP_ROLE_ENTERPRISE, "Edit a posting (an enterprise user: its own; audited)", "", "matching"},
	{"POST", "/api/v1/postings/{posting}/withdraw", h_posting_withdraw, EDIT | HTTP_ROLE_ENTERPRISE, "Withdraw a posting (an enterprise user: its own; audited)", "", "matching"},
	{"GET", "/api/v1/postings/{posting}/matches", h_posting_matches, ALL, "Ranked counterparts of a posting with each score's explanation (an enterprise user: its own postings)", "limit:integer,cursor:string", "matching"},
	{"GET", "/api/v1/subscriptions", h_subscriptions, ALL, "The current account's subscriptions (node, region, keyword)", "", "matching"},
	{"POST", "/api/v1/subscriptions", h_subscription_create, ALL, "Follow a node (or chain), region or keyword", "", "matching"},
	{"DELETE", "/api/v1/subscriptions/{subscription}", h_subscription_delete, ALL, "Stop following", "", "matching"},
	{"GET", "/api/v1/inbox", h_inbox, ALL, "New postings matching the account's subscriptions (a JSON feed), newest first", "limit:integer,unread:integer", "matching"},
	{"POST", "/api/v1/inbox/read", h_inbox_read, ALL, "Mark an inbox item (or, without id, all) read", "", "matching"},
	{"GET", "/api/v1/deals", h_deals, ALL, "Deals (matches marked contacted / agreed / failed) with their history (an enterprise user: its own)", "uscc:string", "matching"},
	{"POST", "/api/v1/deals", h_deal_mark, EDIT | HTTP_ROLE_ENTERPRISE, "Mark a match contacted, agreed (with order value) or failed (an enterprise user: as a party; audited)", "", "matching"},
	{"GET", "/api/v1/match/stats", h_match_stats, STAFF, "Postings, deals and agreed value by chain, direction (Chongqing/Sichuan) and month", "", "matching"},
	{"GET", "/api/v1/risk/overview", h_risk_overview, STAFF, "Resilience by chain: input concentration (HHI), single-sourced inputs, outside dependence, the riskiest suppliers (dominators)", "scope:string", "resilience"},
	{"GET", "/api/v1/risk/chains/{chain}", h_risk_chain, STAFF, "One chain: concentration per node, single points of failure (dominators) ranked by dependent output, articulation points", "scope:string", "resilience"},
	{"GET", "/api/v1/risk/single-sourced", h_risk_single, STAFF, "Inputs bought from a single supplier, largest first", "scope:string,chain:string,limit:integer", "resilience"},
	{"GET", "/api/v1/risk/suppliers/{supplier}/network", h_risk_network, STAFF, "A supplier's neighbourhood (suppliers, customers, customers' customers) for a graph view", "max:integer", "resilience"},
	{"GET", "/api/v1/risk/suppliers/{supplier}/tts", h_risk_tts, STAFF, "Time-to-survive of the supplier's downstream neighbourhood against a time-to-recover (GLPK), lost margin, optional REI ranking", "ttr:number,tiers:integer,inventory_weeks:number,capacity_slack:number,rank:integer", "resilience"},
	{"POST", "/api/v1/risk/disruptions", h_risk_disrupt, STAFF, "What-if: remove suppliers, regions or chain nodes; loss propagated downstream tier by tier (read-only)", "", "resilience"},
	{"GET", "/api/v1/chains", h_chains, ALL, "The chain catalogue", "", "catalogue"},
	{"GET", "/api/v1/chains/compare", h_chain_compare, STAFF, "All chains compared: completeness, local coverage, growth, links by class", "scope:string,year:integer", "chains"},
	{"GET", "/api/v1/chains/{chain}", h_chain, STAFF, "One chain's node tree with metrics, class and reason per node", "scope:string,year:integer", "chains"},
	{"GET", "/api/v1/chains/{chain}/nodes/{node}", h_chain_node, STAFF, "One node: metrics, its enterprises in scope, investment targets", "scope:string,year:integer", "chains"},
	{"GET", "/api/v1/chains/{chain}/gaps", h_chain_gaps, STAFF, "Weak and missing links, and extension links (延链)", "scope:string,year:integer", "chains"},
	{"GET", "/api/v1/chains/{chain}/targets", h_chain_targets, STAFF, "Investment targets (招商) of weak and missing links, or of one node", "scope:string,year:integer,node:string,limit:integer", "chains"},
	{"GET", "/api/v1/chains/{chain}/report", h_chain_report, STAFF, "The chain report workbook (XLSX)", "scope:string,year:integer", "chains"},
	{"GET", "/api/v1/regions", h_regions, ALL, "GB/T 2260 region codes under a parent", "parent:integer", "catalogue"},
	{"GET", "/api/v1/metrics", h_metrics, ALL, "The metric catalogue", "", "catalogue"},
	{"GET", "/api/v1/users", h_users, ADMIN, "List accounts", "", "admin"},
	{"POST", "/api/v1/users", h_user_create, ADMIN, "Create an account (audited)", "", "admin"},
	{"PATCH", "/api/v1/users/{username}", h_user_patch, ADMIN, "Disable an account or set its password (audited)", "", "admin"},
	{"GET", "/api/v1/audit", h_audit, ADMIN, "The audit log, newest first", "limit:integer,cursor:string", "admin"},
};

const int http_nroutes = (int)(sizeof http_routes / sizeof http_routes[0]);
