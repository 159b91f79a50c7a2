-- Analytics: indexes that let a report filtered on two or more of inbox, team, agent and intent
-- seek into the full rollups instead of scanning every row of each bucket. They are partial,
-- so the other grouping sets pay nothing for them. A report names the index of its most
-- selective filtered dimension (src/store/sqlite_analytics_repository.cpp).
CREATE INDEX analytics_full_agent ON analytics_rollups(granularity, agent, bucket)
  WHERE grouping_set = 'full';
CREATE INDEX analytics_full_intent ON analytics_rollups(granularity, intent, bucket)
  WHERE grouping_set = 'full';
CREATE INDEX analytics_full_team ON analytics_rollups(granularity, team, bucket)
  WHERE grouping_set = 'full';
CREATE INDEX analytics_full_inbox ON analytics_rollups(granularity, inbox_id, bucket)
  WHERE grouping_set = 'full';

-- The fold now files each fact under seven more grouping sets (one or two dimensions kept with
-- channel and priority) and counts response and handle times in the business hours of the team's
-- calendar. Clearing the fold's state makes the analytics worker refold every event on start,
-- so history and new events follow the same definitions. Alert states are kept, so an alert
-- that is still in breach is not raised again.
DELETE FROM analytics_rollups;
DELETE FROM analytics_conversation_states;
DELETE FROM analytics_cursor;
