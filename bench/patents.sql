-- The node patent stock of bench/patents.sh in SQL: per chain node, the patents in force at the
-- end of 2024 held by enterprises registered in Chongqing (500000-509999) whose IPC code lies
-- under one of the node's prefixes (table ipc_map, made by bench/patents.sh from
-- data/innovation/ipc_nodes.csv with the rule of src/innov/innov.h; a range scan of the index
-- patents_ipc per prefix). The generated patents carry one IPC code each, so the column's text
-- is that code. Output: chain.node<TAB>stock, the lines bench_patents writes.
.mode tabs
SELECT m.chain || '.' || m.node, count(DISTINCT p.id)
FROM ipc_map m
JOIN patents p ON p.ipc >= m.prefix AND p.ipc < m.prefix || char(127)
JOIN enterprises e ON e.id = p.holder_id
WHERE e.region BETWEEN 500000 AND 509999
  AND p.granted <= '2024-12-31' AND (p.lapsed IS NULL OR p.lapsed > '2024-12-31')
  AND NOT (p.status = 'invalid' AND p.lapsed IS NULL)
GROUP BY m.chain, m.node
ORDER BY 1;
