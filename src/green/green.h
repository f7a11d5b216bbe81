/*
 * Green transformation (绿色化, issue 16): energy and carbon accounts per enterprise and year,
 * industry benchmarks of energy and carbon intensity, and the laggard screening.
 *
 * Factors are data (data/green/factors.json): each carrier's canonical unit and accepted units,
 * its GB/T 2589-2020 standard-coal factor (equivalent value, 当量值), its CO2 factor (fuels:
 * NCV x carbon content x oxidation x 44/12; electricity: the grid factor of the year, provincial
 * when given, else national), the equal value of electricity (等价值, by year) and the
 * benchmark's minimum group size. Conventions:
 *   - quantities are in the carrier's canonical unit (kWh, kg, m3, MJ, t of water);
 *   - tce = quantity x kgce / 1000; the total is the equivalent-value sum (tce), the
 *     equal-value sum (tce_equal) replaces electricity's factor by the year's coal consumption
 *     of power supply; own renewable generation is in both and also reported apart;
 *   - CO2 in tonnes: quantity x kgCO2 per unit / 1000;
 *   - intensities per 万元: tce / output_value, tce / value_added, tCO2 / output_value, …;
 *   - a year not in a by-year table uses the nearest listed year (reported).
 *
 * Industry benchmarking (green_rank): values ranked within the GB/T 4754 class (4 digits),
 * falling back to the group (3) and the division (2) when fewer than min_group enterprises of
 * the class have a value; percentile = PERCENT_RANK ((rank - 1) / (n - 1), ties share the
 * lowest rank, ascending: 1 is the most intensive; 0 for a group of one); quartiles by linear
 * interpolation between order statistics (numpy / pandas default).
 *
 * Ownership: green_factors_get() returns a process-wide read-only table loaded once (the
 * caller never frees it); green_factors_parse() fills a caller's table the caller releases
 * with green_factors_release(). Results of green_rank and green_account are caller-owned and
 * released with their _release functions, which accept NULL.
 */
#ifndef CC_GREEN_GREEN_H
#define CC_GREEN_GREEN_H
#include <stdint.h>
#include "base/error.h"
#include "frame/frame.h"
#include "store/store.h"

#define GREEN_MAX_CARRIERS  16
#define GREEN_MAX_UNITS	    16
#define GREEN_MAX_YEARS	    64
#define GREEN_MAX_PROVINCES 40

struct green_unit {
	const char *name; /* "kWh", "万千瓦时" */
	double mult;	  /* canonical units per unit */
};

struct green_carrier {
	const char *id, *name_zh, *name_en, *unit; /* unit: the canonical one */
	int energy;				   /* an energy carrier (water is not) */
	int grid;				   /* CO2 from the grid factor */
	double kgce;   /* kgce per canonical unit (equivalent value); NaN when not energy */
	double co2_kg; /* kgCO2 per canonical unit; NaN for grid carriers */
	const char *kgce_source, *co2_source;
	int verified; /* the tce factor was checked against the standard */
	int nunits;
	struct green_unit units[GREEN_MAX_UNITS];
};

/* A by-year table. */
struct green_series {
	int n;
	int year[GREEN_MAX_YEARS];
	double v[GREEN_MAX_YEARS];
};

struct green_factors {
	int ncarriers;
	struct green_carrier carriers[GREEN_MAX_CARRIERS];
	int electricity;		 /* index of the carrier "electricity", -1 when none */
	int renewable;			 /* index of "renewable", -1 */
	int water;			 /* index of "water", -1 */
	struct green_series equal_value; /* gce/kWh */
	struct green_series grid;	 /* national, tCO2/MWh */
	int nprovinces;
	int province[GREEN_MAX_PROVINCES]; /* two-digit codes */
	struct green_series grid_province[GREEN_MAX_PROVINCES];
	const char *tce_source, *co2_source, *grid_source, *equal_source, *basis_note;
	int min_group;
	double worst_decile;
	void *json; /* owns the strings */
};

/*
 * Parses TEXT (data/green/factors.json) into G. Returns 0, or CC_EPARSE naming what is wrong
 * (a carrier without id or unit, a unit multiplier not positive, a negative factor …).
 */
int green_factors_parse(struct green_factors *g, const char *text, struct cc_error *err);
void green_factors_release(struct green_factors *g);

/* The shared table, loaded once from the data files (NULL with ERR on failure). */
const struct green_factors *green_factors_get(struct cc_error *err);

/* The carrier whose id or Chinese name is the N bytes at S (case-insensitive id), or -1. */
int green_carrier_find(const struct green_factors *g, const char *s, size_t n);

/*
 * The multiplier of unit (N bytes at S) to carrier C's canonical unit in *MULT. Returns 0, or
 * CC_EINVAL when the carrier does not accept that unit. Spaces around the unit are ignored;
 * Latin letters compare case-sensitively ("MWh" is not "mwh": m is milli).
 */
int green_unit_find(const struct green_carrier *c, const char *s, size_t n, double *mult);

/* The value of series S in YEAR, or of the nearest listed year (ties: the earlier); the year
 * used in *USED (may be NULL). NaN when the series is empty. */
double green_series_at(const struct green_series *s, int year, int *used);

/* Tonnes of standard coal of QTY canonical units of carrier C (equivalent value). NaN for a
 * carrier that is not energy. */
double green_tce(const struct green_factors *g, int c, double qty);

/* The same at the equal value: electricity (and own renewables) at the year's coal
 * consumption of power supply. */
double green_tce_equal(const struct green_factors *g, int c, double qty, int year);

/*
 * The grid's CO2 factor (tCO2/MWh = kgCO2/kWh) for YEAR in PROVINCE (two-digit code, 0 for
 * none): the province's when it lists a year as near to YEAR as the national series' nearest
 * (ties go to the province), else the national; each series' nearest listed year stands for
 * a year it does not list. *PROVINCIAL says which was used and *USED the factor's year (both
 * may be NULL; *USED 0 when no series has a figure, the result then NaN).
 */
double green_grid_factor_at(const struct green_factors *g, int year, int province, int *provincial,
			    int *used);
/* green_grid_factor_at() without the year used. */
double green_grid_factor(const struct green_factors *g, int year, int province, int *provincial);

/* Tonnes of CO2 of QTY canonical units of carrier C in YEAR and PROVINCE; 0 for water. */
double green_co2(const struct green_factors *g, int c, double qty, int year, int province);

/* ---- accounts ---- */

struct green_year {
	int year;
	double qty[GREEN_MAX_CARRIERS]; /* canonical units; NaN when not given */
	double tce, tce_equal, tce_renewable, co2, water;
	double co2_by[GREEN_MAX_CARRIERS]; /* t */
	double tce_by[GREEN_MAX_CARRIERS];
	double output_value, value_added; /* 万元; NaN when unknown */
	double energy_per_output, energy_per_va, carbon_per_output, carbon_per_va;
	double tce_yoy, co2_yoy, energy_per_output_yoy, carbon_per_output_yoy; /* vs year - 1 */
	int carriers; /* carriers given (0: energy_tce as imported, no carrier detail) */
	int grid_provincial;
	int grid_year; /* the year of the grid factor used (the nearest listed) */
	double grid_factor;
};

struct green_account {
	int n;
	struct green_year *years; /* ascending */
};

/*
 * Reads enterprise ID's energy accounts (every year with a carrier or an imported energy_tce)
 * and computes the year's totals, intensities and year-on-year changes. REGION (GB/T 2260)
 * chooses the provincial grid factor. A year without carriers keeps the imported energy_tce as
 * its tce (no CO2). Returns 0 or a negative CC_E*.
 */
int green_account_read(struct cc_store *st, const struct green_factors *g, int64_t id, int region,
		       struct green_account *out, struct cc_error *err);
void green_account_release(struct green_account *a);

/* ---- benchmarks ---- */

struct green_group {
	char code[8]; /* "C3670", "C367", "C36" */
	int level;    /* 4, 3 or 2 digits */
	int n;	      /* enterprises with a value */
	int small;    /* fewer than min_group even at 2 digits */
	double min, q1, median, q3, max, p90;
};

struct green_ranking {
	int n;		/* enterprises ranked in (the input's n) */
	double *pct;	/* PERCENT_RANK in its group, NaN when not ranked */
	int32_t *group; /* index into groups, -1 when not ranked */
	int ngroups;
	struct green_group *groups;
};

/*
 * Ranks V[0..N) (NaN: not ranked) within industry groups of INDUSTRY[i] (GB/T 4754 codes such
 * as "C3670"; NULL or malformed: not ranked) with the fallback above. MIN_GROUP >= 1. Returns 0
 * or CC_ENOMEM.
 */
int green_rank(const char *const *industry, const double *v, int n, int min_group,
	       struct green_ranking *out, struct cc_error *err);
void green_ranking_release(struct green_ranking *r);

/* Linear-interpolation quantile Q (0..1) of the N sorted values X (NaN when N is 0). */
double green_quantile(const double *x, int n, double q);

/*
 * Tonnes of CO2 of every enterprise of F in YEAR from the store's carriers (NaN without any),
 * in OUT[0..f->n). Returns 0 or a negative CC_E*.
 */
int green_co2_column(struct cc_store *st, const struct cc_frame *f, const struct green_factors *g,
		     int year, double *out, struct cc_error *err);

/* ---- laggard screening and roll-ups (screen.c) ---- */
#include "eval/criteria.h"

/* One enterprise the screening flags or nearly flags. */
struct green_flag {
	int i;		 /* frame index */
	int by_criteria; /* the laggard set (data/criteria/green_laggard.json) holds */
	int by_decile;	 /* in its industry group's worst decile of energy intensity */
	int by_flags;	 /* compliance flags of the year (bit k: flag kind k) */
	int near;	 /* not flagged, but the set holds with thresholds relaxed by the margin */
	double pct;	 /* percentile of energy intensity in its group (NaN: not ranked) */
	int group;	 /* index into the screening's ranking groups, -1 */
	double intensity;
	double rel_gap; /* near: the largest relative gap of the failed clauses */
};

struct green_screen {
	int year;
	double margin;
	struct criteria_set set;
	struct green_ranking rank; /* energy intensity, by industry */
	double *intensity;	   /* f->n values: energy_intensity of the year */
	int n;			   /* flags, flagged first then near misses */
	int nflagged, nnear;
	struct green_flag *flags;
	/* The year's compliance flags (for the reasons): frame index, kind, texts. */
	int nrecords;
	struct green_record {
		int i, kind;
		char *description, *source;
	} * records;
};

/* Loads data/criteria/green_laggard.json into S (release with criteria_set_release). */
int green_laggard_set(struct criteria_set *s, struct cc_error *err);

/*
 * Screens every enterprise of F in YEAR (<= 0: the latest): the laggard set strictly and
 * relaxed by MARGIN, the worst decile of each industry group (G's benchmark settings), and
 * the compliance flags of the year in ST (ST may be NULL: none).
 * Flagged enterprises come first by descending percentile, then near misses by relative gap.
 * Returns 0 or a negative CC_E*; release OUT with green_screen_release.
 */
int green_screen_run(struct cc_store *st, const struct cc_frame *f, const struct green_factors *g,
		     int year, double margin, struct green_screen *out, struct cc_error *err);
void green_screen_release(struct green_screen *s);

/* One row of a roll-up: a district (region code) or a chain (catalogue index). */
struct green_rollup {
	int key;
	int firms;			    /* with energy and output in the year */
	double tce, output, co2;	    /* co2 summed over firms with carriers */
	double output_with_co2;		    /* output of the firms with carriers */
	double intensity, carbon_intensity; /* tce / output, co2 / output_with_co2 */
	int flagged;
};

/*
 * Sums energy, output and CO2 (CO2: may be NULL) of YEAR by district (BY_CHAIN 0: the
 * enterprise's region code) or by chain (1: distinct members of each chain), counting the
 * enterprises FLAGGED[i] != 0 (may be NULL). Returns the number of rows in *OUT (malloc'd,
 * caller frees), keys ascending, or a negative CC_ENOMEM.
 */
int green_rollup_run(const struct cc_frame *f, int year, const double *co2, const uint8_t *flagged,
		     int by_chain, const uint8_t *only, struct green_rollup **out);

/*
 * The enterprises of F that are members of any chain of CHAINS (comma-separated ids, as a
 * chief account holds them): a malloc'd array of f->n flags the caller frees; NULL when out of
 * memory. The summaries take it as ONLY (NULL: everyone).
 */
uint8_t *green_chain_mask(const struct cc_frame *f, const char *chains);

/* ---- JSON answers (report.c), shared by the CLI's --format json and the API ---- */
struct cc_jw;

/* The factors table with sources. */
void green_write_factors(struct cc_jw *w, const struct green_factors *g);

/* Enterprise I's account by year with its percentile and industry quartiles. */
int green_write_account(struct cc_jw *w, struct cc_store *st, const struct cc_frame *f,
			const struct green_factors *g, int i, struct cc_error *err);

/* METRIC "energy" (tce per 万元 output, the frame's) or "carbon" (tCO2 per 万元 output, from the
 * carriers) of YEAR per enterprise into V (f->n). CC_EINVAL for another metric. */
int green_metric_column(struct cc_store *st, const struct cc_frame *f,
			const struct green_factors *g, const char *metric, int year, double *v,
			struct cc_error *err);

/* Industry groups of METRIC in YEAR, largest first (LIMIT of them), those under INDUSTRY (a
 * code prefix, NULL for all); with INDUSTRY also its enterprises, most intensive first. */
int green_write_benchmarks(struct cc_jw *w, struct cc_store *st, const struct cc_frame *f,
			   const struct green_factors *g, int year, const char *metric,
			   const char *industry, int limit, struct cc_error *err);

/* The screen S's flagged enterprises and near misses (REGION: a code scope, 0 for all), at
 * most LIMIT, each with its reasons in Chinese and English. */
void green_write_screen(struct cc_jw *w, const struct cc_frame *f, const struct green_screen *s,
			const struct green_factors *g, int region, const uint8_t *only, int limit);

/* The green page's summary of YEAR in REGION (0: all): totals, districts, chains, division
 * quartiles, the carbon trend over the frame's years. */
int green_write_summary(struct cc_jw *w, struct cc_store *st, const struct cc_frame *f,
			const struct green_factors *g, int year, int region, const uint8_t *only,
			struct cc_error *err);

/* ---- compliance flags (data/green/flags.json; flags.csv) ---- */
#define GREEN_MAX_FLAGS 16

struct green_flagkind {
	const char *id, *name_zh, *name_en, *source;
	int naliases;
	const char *aliases[4];
};

struct green_flagset {
	int n;
	struct green_flagkind k[GREEN_MAX_FLAGS];
	void *json;
};

/* The shared flag kinds from the data files, or NULL with ERR. */
const struct green_flagset *green_flagset_get(struct cc_error *err);
/* The kind whose id (any case), Chinese name or alias is the N bytes at S, or -1. */
int green_flag_find(const struct green_flagset *fs, const char *s, size_t n);

/* ---- green manufacturing recognitions (data/green/recognitions.json) ---- */
struct green_term {
	const char *id, *name_zh, *name_en;
};

struct green_recogset {
	int nkinds, nlevels;
	struct green_term kinds[8], levels[4];
	void *json;
};

/* The shared kinds and levels from the data files, or NULL with ERR. */
const struct green_recogset *green_recogset_get(struct cc_error *err);
/* The term of T[0..N) whose id (any case) or Chinese name is the LEN bytes at S, or -1. */
int green_recog_find(const struct green_term *t, int n, const char *s, size_t len);

/* Writes enterprise ID's recognitions as a JSON array. 0 or a CC_E*. */
int green_write_recognitions(struct cc_jw *w, struct cc_store *st, int64_t id,
			     struct cc_error *err);

#endif
