-- The chain-map aggregation of bench_chain written as SQL over the same tables (the peer of
-- issue 4's benchmark): for Chongqing (region 50xxxx), per chain node: members in scope,
-- masters, output this year and last, R&D intensity; purchases by local buyers split by the
-- supplier's place; and per weak/missing-candidate node the top 10 outside suppliers.
.timer on
CREATE TEMP TABLE y AS SELECT max(period) AS p FROM indicators WHERE period % 100 = 0;
-- Node metrics (members' own nodes; the engine also rolls them up the tree).
CREATE TEMP TABLE node_metrics AS
SELECT m.chain, m.node, count(DISTINCT e.id) AS enterprises,
       sum(m.role = 'master') AS masters, sum(m.role = 'core') AS core,
       sum(i.output_value) AS output, sum(p.output_value) AS output_prev,
       sum(i.rd_expense) / sum(i.revenue) AS rd_intensity
FROM chain_members m
JOIN enterprises e ON e.id = m.enterprise_id AND e.region / 10000 = 50
LEFT JOIN indicators i ON i.enterprise_id = e.id AND i.period = (SELECT p FROM y)
LEFT JOIN indicators p ON p.enterprise_id = e.id AND p.period = (SELECT p FROM y) - 100
GROUP BY m.chain, m.node;
-- Local supply coverage per node.
CREATE TEMP TABLE coverage AS
SELECT s.chain, s.node,
       sum(CASE WHEN coalesce(se.region, CAST(substr(s.supplier, 3, 6) AS INTEGER)) / 10000 = 50
                THEN s.annual_value ELSE 0 END) AS purchases_in,
       sum(CASE WHEN coalesce(se.region, CAST(substr(s.supplier, 3, 6) AS INTEGER)) / 10000 = 50
                THEN 0 ELSE s.annual_value END) AS purchases_out
FROM supply_edges s
JOIN enterprises b ON b.id = s.buyer_id AND b.region / 10000 = 50
LEFT JOIN enterprises se ON se.uscc = s.supplier
WHERE s.node IS NOT NULL
GROUP BY s.chain, s.node;
-- Targets: outside suppliers selling each node's products to local buyers, top 10 per node.
CREATE TEMP TABLE targets AS
SELECT * FROM (
  SELECT s.chain, s.node, s.supplier, sum(s.annual_value) AS value_to_local,
         count(DISTINCT s.buyer_id) AS local_buyers,
         row_number() OVER (PARTITION BY s.chain, s.node ORDER BY sum(s.annual_value) DESC) AS rank
  FROM supply_edges s
  JOIN enterprises b ON b.id = s.buyer_id AND b.region / 10000 = 50
  LEFT JOIN enterprises se ON se.uscc = s.supplier
  WHERE s.node IS NOT NULL
    AND coalesce(se.region, CAST(substr(s.supplier, 3, 6) AS INTEGER)) / 10000 <> 50
  GROUP BY s.chain, s.node, s.supplier)
WHERE rank <= 10;
SELECT count(*), sum(output) FROM node_metrics;
SELECT count(*) FROM coverage;
SELECT count(*) FROM targets;
