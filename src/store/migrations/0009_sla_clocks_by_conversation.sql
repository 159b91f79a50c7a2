-- Every clock of a conversation, stopped ones included, is read on each of its messages; the
-- partial index sla_clocks_active serves only the clocks that still run.
CREATE INDEX sla_clocks_conversation ON sla_clocks(conversation_id);
