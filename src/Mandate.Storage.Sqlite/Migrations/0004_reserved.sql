-- Reserved: schema version 4 belongs to another branch's migration. This placeholder only keeps the
-- numbering contiguous on the egress-proxy branch; delete it when that migration is merged.
SELECT 1;
