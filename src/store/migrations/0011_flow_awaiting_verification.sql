-- The verification method (otp, app or link) that a flow's current step waits for, or '' when
-- the step waits for nothing of the kind. An app token or a confirmed link arriving for that
-- method resumes the flow in the transaction that records it.
ALTER TABLE flow_states ADD COLUMN awaiting TEXT NOT NULL DEFAULT '';
