-- Placeholder for issue 3's 0002 (runs). Migrations must be numbered without gaps; delete this file
-- when merging with the branch that adds the real 0002.
SELECT 1;
