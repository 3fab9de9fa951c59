-- Audit retention: records up to a signed checkpoint may be archived and removed. The anchor says where the chain
-- continues (the last removed record's sequence and hash, with the checkpoint that vouched for it and the archive it
-- went to); the chain's tail never goes below it. Records stay append-only otherwise: only records up to the newest
-- anchor may be deleted, and an anchor must move forward and name a record the chain holds.
CREATE TABLE audit_anchors (
    seq        INTEGER PRIMARY KEY,
    hash       BLOB NOT NULL,
    checkpoint TEXT NOT NULL,
    archive    TEXT NOT NULL,
    pruned_at  INTEGER NOT NULL
) STRICT;

CREATE TRIGGER audit_anchors_forward BEFORE INSERT ON audit_anchors
WHEN NEW.seq <= COALESCE((SELECT max(seq) FROM audit_anchors), 0)
BEGIN
    SELECT RAISE(ABORT, 'audit prune refused: records up to this sequence are already archived');
END;

CREATE TRIGGER audit_anchors_on_record BEFORE INSERT ON audit_anchors
WHEN NEW.seq > COALESCE((SELECT max(seq) FROM audit_anchors), 0)
 AND NOT EXISTS (SELECT 1 FROM audit WHERE seq = NEW.seq AND hash = NEW.hash)
 AND NOT EXISTS (SELECT 1 FROM audit_v1 WHERE seq = NEW.seq AND hash = lower(hex(NEW.hash)))
BEGIN
    SELECT RAISE(ABORT, 'audit prune refused: the store holds no record with the anchor''s sequence and hash');
END;

CREATE TRIGGER audit_anchors_no_update BEFORE UPDATE ON audit_anchors
BEGIN
    SELECT RAISE(ABORT, 'audit anchors are append-only');
END;

CREATE TRIGGER audit_anchors_no_delete BEFORE DELETE ON audit_anchors
BEGIN
    SELECT RAISE(ABORT, 'audit anchors are append-only');
END;

DROP TRIGGER audit_no_delete;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
WHEN OLD.seq > COALESCE((SELECT max(seq) FROM audit_anchors), 0)
BEGIN
    SELECT RAISE(ABORT, 'audit records are append-only');
END;

DROP TRIGGER audit_v1_no_delete;
CREATE TRIGGER audit_v1_no_delete BEFORE DELETE ON audit_v1
WHEN OLD.seq > COALESCE((SELECT max(seq) FROM audit_anchors), 0)
BEGIN
    SELECT RAISE(ABORT, 'audit records are append-only');
END;

-- A shape goes only once no record uses it (the records that did were pruned).
DROP TRIGGER audit_shapes_no_delete;
CREATE TRIGGER audit_shapes_no_delete BEFORE DELETE ON audit_shapes
WHEN EXISTS (SELECT 1 FROM audit WHERE shape = OLD.id)
BEGIN
    SELECT RAISE(ABORT, 'audit records are append-only');
END;
