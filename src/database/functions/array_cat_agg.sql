-- An aggregate: the arrays of a group's rows as one array (array_agg would make a two-dimensional array of
-- them). The read audit uses it to gather the records, members, categories and consent ids of one entry.
-- Rule: a reading statement records at most one audit entry per family, a part per members concerned and
-- legal basis (docs/audit.md).
CREATE OR REPLACE AGGREGATE array_cat_agg(anycompatiblearray) (SFUNC = array_cat, STYPE = anycompatiblearray, INITCOND = '{}');
